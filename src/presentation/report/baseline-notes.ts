import {
  BASELINE_METRIC_LABELS,
  type BaselineCheck,
  listMetricComparisons,
  type MetricComparison,
} from '../../foundation/model/index.ts'
import { formatMetricValue } from '../../orchestration/baseline/metric-rules.ts'
import type { RowNote } from './row-note.ts'

function labelOf(metric: MetricComparison, endpoint: string | undefined): string {
  return `${BASELINE_METRIC_LABELS[metric.metric]}${endpoint === undefined ? '' : ` of endpoint '${endpoint}'`}`
}

function valuesOf(metric: MetricComparison, endpoint: string | undefined): string {
  return `${labelOf(metric, endpoint)} ${formatMetricValue(metric.metric, metric.actual)} vs ${formatMetricValue(metric.metric, metric.baseline)}`
}

function describeRegression(metric: MetricComparison, endpoint: string | undefined, point: boolean): string {
  // One number against one number reads as it always did.
  if (point) {
    return `${valuesOf(metric, endpoint)} (worse by ${metric.worsePercent.toFixed(1)}%, limit ${formatMetricValue(metric.metric, metric.limit)})`
  }
  return `${valuesOf(metric, endpoint)}: ${metric.reason}`
}

/**
 * What a baseline check says beyond pass: regressed metrics (failures), inconclusive ones (warnings, or
 * failures under `failOnInconclusive`; metrics inconclusive for one reason share a note), and how the entry
 * was judged. Never nothing for an inconclusive comparison: it is not a pass.
 */
export function describeBaselineCheck(check: BaselineCheck): RowNote[] {
  const { comparison } = check
  if (comparison === null) return []
  const inconclusiveLevel: RowNote['level'] = check.failOnInconclusive === true ? 'failure' : 'warning'
  if (comparison.method === 'not-comparable') {
    return comparison.notes.map((note) => ({
      level: inconclusiveLevel,
      text: `baseline inconclusive: ${note}`,
    }))
  }
  const notes: RowNote[] = []
  const point = comparison.method === 'point'
  const undecided = new Map<string, string[]>()
  for (const { endpoint, metric } of listMetricComparisons(comparison)) {
    if (metric.verdict === 'regressed') {
      notes.push({ level: 'failure', text: `baseline: ${describeRegression(metric, endpoint, point)}` })
    } else if (metric.verdict === 'inconclusive') {
      undecided.set(metric.reason, [...(undecided.get(metric.reason) ?? []), valuesOf(metric, endpoint)])
    }
  }
  for (const [reason, metrics] of undecided) {
    notes.push({ level: inconclusiveLevel, text: `baseline inconclusive: ${metrics.join(', ')}: ${reason}` })
  }
  for (const note of comparison.notes) notes.push({ level: 'info', text: `baseline: ${note}` })
  return notes
}
