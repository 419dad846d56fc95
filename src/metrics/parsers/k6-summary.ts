import { ParseError } from '../../foundation/errors.ts'
import type { LoadMetrics } from '../../foundation/model/index.ts'
import { deriveRequestCounts } from '../request-counts.ts'
import { describeK6Failures, K6_FAILURE_TYPES, k6FailureMetric } from './k6-error-codes.ts'

/** One k6 threshold verdict. */
export interface K6ThresholdVerdict {
  metric: string
  expression: string
  passed: boolean
}

/** A k6 summary in either legacy shape (k6 v0.x and v1.x), reduced to what perfspec reads. */
export interface K6Summary {
  /** `--summary-export` (flat values, inverted verdicts) or the `handleSummary(data)` argument. */
  format: 'summary-export' | 'handle-summary'
  /** Metric name → its values (`count`, `rate`, `avg`, `p(95)`, `passes`, …). */
  metrics: Map<string, Record<string, number>>
  thresholds: K6ThresholdVerdict[]
  /** The run's length when the summary says it (handleSummary's `state.testRunDurationMs`). */
  durationMs: number | undefined
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function numbers(values: unknown): Record<string, number> {
  const result: Record<string, number> = {}
  if (!isObject(values)) return result
  for (const [key, value] of Object.entries(values)) if (typeof value === 'number') result[key] = value
  return result
}

function parseLegacy(data: Json, metricsData: Json): K6Summary {
  const handleSummary =
    isObject(data.state) || Object.values(metricsData).some((m) => isObject(m) && 'values' in m)
  const metrics = new Map<string, Record<string, number>>()
  const thresholds: K6ThresholdVerdict[] = []
  for (const [name, metric] of Object.entries(metricsData)) {
    if (!isObject(metric)) continue
    const values = numbers(handleSummary ? metric.values : metric)
    // The export renames a Rate metric's `rate` to `value`.
    if (!handleSummary && values.value !== undefined && values.passes !== undefined)
      values.rate = values.value
    metrics.set(name, values)
    for (const [expression, verdict] of Object.entries(
      isObject(metric.thresholds) ? metric.thresholds : {},
    )) {
      // handleSummary: { ok: passed }. The export inverts it: true means the threshold failed.
      const passed = handleSummary ? isObject(verdict) && verdict.ok === true : verdict === false
      thresholds.push({ metric: name, expression, passed })
    }
  }
  const state = isObject(data.state) ? data.state : {}
  const durationMs = typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : undefined
  return { format: handleSummary ? 'handle-summary' : 'summary-export', metrics, thresholds, durationMs }
}

/**
 * Parses k6's `--summary-export` file or a `handleSummary` JSON dump; both shapes are the same in k6 v0.48
 * and v1.x. The machine-readable summary of k6 ≥ 1.5 (opt-in) is refused: the adapter turns it off.
 */
export function parseK6Summary(text: string): K6Summary {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ParseError('k6 summary is not JSON', { cause: error })
  }
  if (!isObject(data)) throw new ParseError('k6 summary: expected a JSON object')
  if (typeof data.version === 'string' && isObject(data.results)) {
    throw new ParseError(
      'k6 wrote its new machine-readable summary (no threshold verdicts, no p(99)) although perfspec asked ' +
        'for the legacy one with K6_NEW_MACHINE_READABLE_SUMMARY=false: this k6 version is not supported',
    )
  }
  if (!isObject(data.metrics)) throw new ParseError('k6 summary has no `metrics` object')
  return parseLegacy(data, data.metrics)
}

/**
 * Failed requests by type: the generated script's per-type Counters (k6's error codes mapped), and what they
 * do not cover (a user script, which has none) as `other` — k6 reports how many failed, not why.
 */
function k6ErrorsByType(
  summary: K6Summary,
  failedRequests: number,
  types: readonly (typeof K6_FAILURE_TYPES)[number][] = K6_FAILURE_TYPES,
): LoadMetrics['errorsByType'] {
  const errorsByType: LoadMetrics['errorsByType'] = {}
  let classified = 0
  for (const type of types) {
    const count = summary.metrics.get(k6FailureMetric(type))?.count ?? 0
    if (count <= 0) continue
    errorsByType[type] = { count, sampleMessages: [describeK6Failures(type, count)] }
    classified += count
  }
  const unclassified = failedRequests - classified
  if (unclassified > 0) {
    const message = `k6 counted ${unclassified} failed requests (http_req_failed); its summary does not say why`
    const other = errorsByType.other
    errorsByType.other = {
      count: (other?.count ?? 0) + unclassified,
      sampleMessages: [...(other?.sampleMessages ?? []), message],
    }
  }
  return errorsByType
}

/** The run's length from the whole run's request count and rate (the export states no duration). */
function runLengthMs(summary: K6Summary): number {
  const reqs = summary.metrics.get('http_reqs') ?? {}
  const count = reqs.count ?? 0
  return reqs.rate !== undefined && reqs.rate > 0 ? (count / reqs.rate) * 1000 : 0
}

/**
 * Maps a k6 summary onto LoadMetrics. k6 reports no status codes. `tags` reads a sub-metric
 * (`{name:login}`) instead: its run length is the whole run's, and its failures are `other` (the per-type
 * counters are the generated single-request script's, untagged).
 */
export function k6ToMetrics(summary: K6Summary, tags = ''): LoadMetrics {
  const metric = (name: string): Record<string, number> => summary.metrics.get(`${name}${tags}`) ?? {}
  const reqs = metric('http_reqs')
  const duration = metric('http_req_duration')
  const failedRate = metric('http_req_failed')
  const totalRequests = reqs.count ?? 0
  // In a Rate metric `passes` counts the true samples: for http_req_failed, the failed requests.
  const failedRequests = Math.min(totalRequests, failedRate.passes ?? 0)
  const durationMs = summary.durationMs ?? runLengthMs(summary)
  const errorsByType =
    tags === '' ? k6ErrorsByType(summary, failedRequests) : k6ErrorsByType(summary, failedRequests, [])
  return {
    ...deriveRequestCounts({
      total: totalRequests,
      failed: failedRequests,
      durationMs,
      rps: reqs.rate,
    }),
    responseTimes: {
      min: duration.min ?? 0,
      max: duration.max ?? 0,
      mean: duration.avg ?? 0,
      sd: 0,
      p50: duration.med ?? duration['p(50)'] ?? 0,
      p75: duration['p(75)'] ?? 0,
      p90: duration['p(90)'] ?? 0,
      p95: duration['p(95)'] ?? 0,
      p99: duration['p(99)'] ?? 0,
      p999: duration['p(99.9)'] ?? 0,
    },
    errorsByType,
    statusCodes: {},
    bytesReceived: metric('data_received').count ?? 0,
    durationMs,
  }
}
