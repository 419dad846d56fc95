import { formatMs, formatRps } from '../../foundation/util/format.ts'
import { formatChange } from '../../metrics/change-format.ts'
import type { ChangeVerdictName } from '../../metrics/change-verdict.ts'
import {
  type AbCompareReport,
  METRIC_SPECS,
  type MetricComparison,
  type RunIdentity,
} from '../../orchestration/ab-compare/types.ts'

/** One metric of one run as every compare renderer shows it: texts, not numbers. */
export interface CompareLine {
  /** The run: `file › test [run]`, with `↳ endpoint` for a journey's endpoint. */
  run: string
  metric: string
  base: string
  head: string
  /** `+14.0% [+9.1%, +19.2%]`, or `no estimate` (the reason says why). */
  change: string
  verdict: ChangeVerdictName
  reason: string
}

/** The words and marks of each verdict; only regressed fails, only improved and unchanged pass. */
export const VERDICT_LABEL: Record<ChangeVerdictName, string> = {
  regressed: '✗ regressed',
  improved: '✓ improved',
  unchanged: '✓ unchanged',
  inconclusive: '? inconclusive',
}

/** `api.perf.test.ts › GET /users [/users]`, `… ↳ login` for an endpoint. */
export function describeRun(run: RunIdentity): string {
  const name = run.run === run.test ? run.test : `${run.test} [${run.run}]`
  return `${run.file} › ${name}${run.endpoint === undefined ? '' : ` ↳ ${run.endpoint}`}`
}

function formatValue(metric: MetricComparison, value: number | null): string {
  if (value === null) return '–'
  if (metric.unit === 'ms') return `${formatMs(value)} ms`
  if (metric.unit === 'µs') return `${value < 100 ? value.toFixed(1) : Math.round(value)} µs`
  return formatRps(value)
}

/** Every compared metric of the report, run by run. */
export function toCompareLines(report: AbCompareReport): CompareLine[] {
  return report.runs.flatMap((run) =>
    run.metrics.map((metric) => ({
      run: describeRun(run),
      metric: METRIC_SPECS[metric.metric].label,
      base: formatValue(metric, metric.baseValue),
      head: formatValue(metric, metric.headValue),
      change: metric.estimate.state === 'estimated' ? formatChange(metric.estimate) : 'no estimate',
      verdict: metric.verdict,
      reason: metric.reason,
    })),
  )
}

/** `95%`, `99.44%`: the interval's confidence without float noise. */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`
}

/** `base main (a1b2c3d) → head 9f8e7d6 + uncommitted changes` */
export function describeSides(report: AbCompareReport): string {
  const head = `${report.head.commit.slice(0, 7)}${report.head.uncommittedChanges ? ' + uncommitted changes' : ''}`
  return `base ${report.base.ref} (${report.base.commit.slice(0, 7)}) → head ${head}`
}

/** `4 round pairs (AB BA AB BA) · intervals at 95% · tolerance ±5%` */
export function describeSampling(report: AbCompareReport): string {
  const { pairs, order, intervalConfidence, mode } = report.sampling
  const tolerances = new Set(Object.values(report.tolerances))
  const tolerance =
    tolerances.size === 1
      ? `±${[...tolerances][0]}%`
      : Object.entries(report.tolerances)
          .map(([metric, value]) => `${METRIC_SPECS[metric as keyof typeof METRIC_SPECS].label} ±${value}%`)
          .join(', ')
  const looks = mode === 'sequential' ? ' (guarded looks)' : ''
  return `${pairs} round pair${pairs === 1 ? '' : 's'} (${order}) · intervals at ${formatConfidence(intervalConfidence)}${looks} · tolerance ${tolerance}`
}

/** `1 regressed · 0 improved · 2 unchanged · 1 inconclusive` */
export function describeCounts(report: AbCompareReport): string {
  const { summary } = report
  return `${summary.regressed} regressed · ${summary.improved} improved · ${summary.unchanged} unchanged · ${summary.inconclusive} inconclusive`
}

/** Why inconclusive is not green, in one sentence for every renderer. */
export function describeInconclusive(count: number): string {
  return (
    `${count} inconclusive: the interval does not show the change within the tolerance nor beyond it — ` +
    'not a pass. More round pairs (--rounds, --budget) narrow it; --fail-on-inconclusive fails on it.'
  )
}
