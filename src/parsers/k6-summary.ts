import { ParseError } from '../errors.ts'
import { deriveRequestCounts } from '../metrics/request-counts.ts'
import type { LoadMetrics } from '../model/index.ts'

/** One k6 threshold verdict. */
export interface K6ThresholdVerdict {
  metric: string
  expression: string
  passed: boolean
}

/** A k6 summary in any of its three shapes, reduced to what perfspec reads. */
export interface K6Summary {
  format: 'summary-export' | 'handle-summary' | 'machine-readable'
  /** Metric name → its values (`count`, `rate`, `avg`, `p(95)`, `passes`, …). */
  metrics: Map<string, Record<string, number>>
  thresholds: K6ThresholdVerdict[]
  /** The run's length when the summary says it (handleSummary, machine-readable). */
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

function parseMachineReadable(data: Json): K6Summary {
  const results = isObject(data.results) ? data.results : {}
  const metrics = new Map<string, Record<string, number>>()
  for (const metric of Array.isArray(results.metrics) ? results.metrics : []) {
    if (!isObject(metric) || typeof metric.name !== 'string') continue
    const values = numbers(metric.values)
    // Rate metrics count `matches` of `total` here; elsewhere they are `passes` and `fails`.
    if (values.matches !== undefined && values.total !== undefined) {
      values.passes = values.matches
      values.fails = values.total - values.matches
    }
    metrics.set(metric.name, values)
  }
  const config = isObject(data.config) ? data.config : {}
  const durationMs = typeof config.duration === 'number' ? config.duration * 1000 : undefined
  return { format: 'machine-readable', metrics, thresholds: [], durationMs }
}

function parseLegacy(data: Json): K6Summary {
  const handleSummary =
    isObject(data.state) || Object.values(data.metrics as Json).some((m) => isObject(m) && 'values' in m)
  const metrics = new Map<string, Record<string, number>>()
  const thresholds: K6ThresholdVerdict[] = []
  for (const [name, metric] of Object.entries(data.metrics as Json)) {
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

/** The run's length from the whole run's request count and rate (the export states no duration). */
function runLengthMs(summary: K6Summary): number {
  const reqs = summary.metrics.get('http_reqs') ?? {}
  const count = reqs.count ?? 0
  return reqs.rate !== undefined && reqs.rate > 0 ? (count / reqs.rate) * 1000 : 0
}

/** Parses k6's `--summary-export` file, a `handleSummary` JSON dump, or the new machine-readable summary. */
export function parseK6Summary(text: string): K6Summary {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ParseError('k6 summary is not JSON', { cause: error })
  }
  if (!isObject(data)) throw new ParseError('k6 summary: expected a JSON object')
  if (typeof data.version === 'string' && isObject(data.results)) return parseMachineReadable(data)
  if (!isObject(data.metrics)) throw new ParseError('k6 summary has no `metrics` object')
  return parseLegacy(data)
}

/**
 * Maps a k6 summary onto LoadMetrics. k6 reports how many requests failed (`http_req_failed`) but not why,
 * nor their status codes: the failures are counted as `other`. `tags` reads a sub-metric (`{name:login}`)
 * instead; its run length is the whole run's.
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
  const errorsByType: LoadMetrics['errorsByType'] = {}
  if (failedRequests > 0) {
    errorsByType.other = {
      count: failedRequests,
      sampleMessages: [
        `k6 counted ${failedRequests} failed requests (http_req_failed); its summary does not say why`,
      ],
    }
  }
  return {
    ...deriveRequestCounts({
      total: totalRequests,
      failed: failedRequests,
      durationMs,
      throughput: reqs.rate,
    }),
    responseTimes: {
      min: duration.min ?? 0,
      max: duration.max ?? 0,
      avg: duration.avg ?? 0,
      stddev: 0,
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
