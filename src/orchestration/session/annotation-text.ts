import {
  BASELINE_METRIC_LABELS,
  type BaselineCheck,
  type LoadTestResult,
  listMetricComparisons,
  type PerfResult,
  summarizeRun,
} from '../../foundation/model/index.ts'
import { formatMs, formatUs } from '../../foundation/util/format.ts'
import { formatPercentChange } from '../../metrics/change-format.ts'

/** What a test framework shows beside a test: a line, and its kind (`notice`, `warning`, `error` or ours). */
export interface Annotation {
  message: string
  /** `perfspec` for numbers, `warning` for an inconclusive baseline, `error` for a regressed one. */
  type: string
}

/** The numbers of a finished run (a stress test's break, a comparison's runs) and its thresholds' verdict. */
export function annotateResult(result: PerfResult): Annotation {
  return { message: describeResult(result), type: 'perfspec' }
}

function describeResult(result: PerfResult): string {
  if (result.kind === 'load') return describeLoad(result)
  if (result.kind === 'comparison') return result.runs.map(({ result: run }) => describeLoad(run)).join(' | ')
  if (result.kind === 'stress') {
    const end = result.breakPoint
    const outcome =
      end === null
        ? `held up to ${result.maxUsersReached} users`
        : `broke at ${end.users} users: ${end.reason}`
    return `${result.name} (stress, ${result.tool}): ${outcome}`
  }
  return `${result.name} (benchmark): mean ${formatMs(result.stats.mean)} ms, p95 ${formatMs(result.stats.p95)} ms`
}

function describeLoad(result: LoadTestResult): string {
  const app = result.app?.measured === true ? `, app ${formatUs(result.app.cpuPerRequestUs)} µs/req` : ''
  const failed = result.thresholds.filter((threshold) => !threshold.passed).length
  const thresholds =
    result.thresholds.length === 0
      ? ''
      : failed === 0
        ? `; thresholds passed (${result.thresholds.length})`
        : `; thresholds failed: ${failed} of ${result.thresholds.length}`
  return `${summarizeRun(result)}${app}${thresholds}`
}

/**
 * A baseline check as one line: `baseline "…": regressed · app CPU/req +98.0% [+80.1%, +117.9%] regressed ·
 * p95 … inconclusive · rps … unchanged`, or what was recorded.
 */
export function annotateBaseline(result: LoadTestResult, check: BaselineCheck): Annotation {
  const where = `baseline "${check.key}"`
  const { comparison } = check
  if (comparison === null) {
    const what = check.rewrote === undefined ? 'recorded' : 'rewritten (-u)'
    return { message: `${where}: ${what} from ${result.name} in ${check.file}`, type: 'perfspec' }
  }
  const metrics = listMetricComparisons(comparison).map(({ endpoint, metric }) => {
    const label = `${BASELINE_METRIC_LABELS[metric.metric]}${endpoint === undefined ? '' : ` of ${endpoint}`}`
    const { interval } = metric
    const change =
      interval === undefined
        ? formatPercentChange(metric.metric === 'rps' ? -metric.worsePercent : metric.worsePercent)
        : `${formatPercentChange(interval.changePercent)} [${formatPercentChange(interval.lowPercent)}, ${formatPercentChange(interval.highPercent)}]`
    return `${label} ${change} ${metric.verdict}`
  })
  const method = comparison.method === 'interval' ? '' : ` (${comparison.method.replace('-', ' ')})`
  const failing =
    check.failOnInconclusive === true && comparison.verdict === 'inconclusive' ? ', failing' : ''
  const message = `${where}: ${comparison.verdict}${method}${failing} · ${metrics.join(' · ')}`
  // Frameworks title their own kinds (error, warning) themselves, not with ours: the message says whose.
  if (comparison.verdict === 'regressed') return { message: `perfspec ${message}`, type: 'error' }
  if (comparison.verdict === 'inconclusive') return { message: `perfspec ${message}`, type: 'warning' }
  return { message, type: 'perfspec' }
}
