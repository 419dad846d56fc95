import { ParseError } from '../../foundation/errors.ts'
import type {
  CheckCounts,
  EndpointMetrics,
  LoadMetrics,
  NotSentReason,
  ResponseTimeStats,
  ScenarioMetrics,
} from '../../foundation/model/index.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { sumChecks, sumNotSent, withCheckCounts } from '../check-counts.ts'
import { deriveRequestCounts } from '../request-counts.ts'

/**
 * One scenario's counts as the journey locustfile writes them: durations as rounded ms → count; checks as
 * step → check → [passes, fails]; requests never sent as step → reason → [count, a message].
 */
interface LocustScenarioCounts {
  iterations: number
  failedIterations: number
  onStartFailures: number
  durations: Record<string, number>
  checks: Record<string, Record<string, [number, number]>>
  notSent: Record<string, Record<string, [number, string]>>
}

/** What one step of one scenario counted beside its requests: its checks and its requests never sent. */
export interface LocustStepCounts {
  checks: LoadMetrics['checks']
  notSent: LoadMetrics['notSent']
}

const NOT_SENT_REASONS: readonly string[] = ['template', 'step_function'] satisfies NotSentReason[]

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Percentiles of a histogram (value → count), nearest rank, as Locust computes its own. */
export function histogramStats(histogram: Record<string, number>): ResponseTimeStats {
  const buckets = Object.entries(histogram)
    .map(([value, count]) => [Number(value), count] as const)
    .filter(([value, count]) => Number.isFinite(value) && count > 0)
    .sort((a, b) => a[0] - b[0])
  const total = buckets.reduce((sum, [, count]) => sum + count, 0)
  const at = (percent: number): number => {
    const rank = Math.max(1, Math.ceil((percent / 100) * total))
    let seen = 0
    for (const [value, count] of buckets) {
      seen += count
      if (seen >= rank) return value
    }
    return buckets.at(-1)?.[0] ?? 0
  }
  const sum = buckets.reduce((acc, [value, count]) => acc + value * count, 0)
  const mean = total === 0 ? 0 : sum / total
  const variance = total === 0 ? 0 : buckets.reduce((acc, [v, c]) => acc + c * (v - mean) ** 2, 0) / total
  return {
    min: buckets[0]?.[0] ?? 0,
    max: buckets.at(-1)?.[0] ?? 0,
    mean,
    sd: Math.sqrt(variance),
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
  }
}

/**
 * The request metrics of the endpoints a scenario's steps use, summed. Locust keeps rows per name, not per
 * scenario: counts are exact when no other scenario shares a step name; percentiles are the endpoints'
 * request-weighted means.
 */
export function mergeEndpointMetrics(endpoints: readonly EndpointMetrics[], durationMs: number): LoadMetrics {
  const total = endpoints.reduce((sum, endpoint) => sum + endpoint.totalRequests, 0)
  const failed = endpoints.reduce((sum, endpoint) => sum + endpoint.failedRequests, 0)
  const weighted = (key: keyof ResponseTimeStats): number =>
    total === 0 ? 0 : endpoints.reduce((sum, e) => sum + e.responseTimes[key] * e.totalRequests, 0) / total
  const errorsByType: LoadMetrics['errorsByType'] = {}
  for (const endpoint of endpoints) {
    for (const [type, summary] of Object.entries(endpoint.errorsByType)) {
      const into = errorsByType[type as keyof LoadMetrics['errorsByType']] ?? { count: 0, sampleMessages: [] }
      into.count += summary.count
      into.sampleMessages = [...into.sampleMessages, ...summary.sampleMessages].slice(0, 5)
      errorsByType[type as keyof LoadMetrics['errorsByType']] = into
    }
  }
  return {
    ...deriveRequestCounts({ total, failed, durationMs }),
    responseTimes: {
      min: Math.min(...endpoints.map((e) => e.responseTimes.min), Number.POSITIVE_INFINITY) || 0,
      max: Math.max(0, ...endpoints.map((e) => e.responseTimes.max)),
      mean: weighted('mean'),
      sd: 0,
      p50: weighted('p50'),
      p75: weighted('p75'),
      p90: weighted('p90'),
      p95: weighted('p95'),
      p99: weighted('p99'),
      p999: weighted('p999'),
    },
    errorsByType,
    statusCodes: {},
    bytesReceived: endpoints.reduce((sum, endpoint) => sum + endpoint.bytesReceived, 0),
    durationMs,
  }
}

function parseCounts(text: string): [string, Partial<LocustScenarioCounts>][] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ParseError('the journey counts Locust wrote are not JSON', { cause: error })
  }
  if (!isObject(data)) throw new ParseError('the journey counts Locust wrote: expected a JSON object')
  return Object.entries(data).filter((entry): entry is [string, Partial<LocustScenarioCounts>] =>
    isObject(entry[1]),
  )
}

/** One step's counts in one scenario: its checks and requests never sent, as LoadMetrics carries them. */
function stepCounts(counts: Partial<LocustScenarioCounts>, step: string): LocustStepCounts {
  const checks = new Map<string, CheckCounts>()
  const byCheck = isObject(counts.checks) ? counts.checks[step] : undefined
  for (const [name, tally] of Object.entries(isObject(byCheck) ? byCheck : {})) {
    if (Array.isArray(tally))
      checks.set(name, { passes: Number(tally[0] ?? 0), fails: Number(tally[1] ?? 0) })
  }
  const notSent: NonNullable<LoadMetrics['notSent']> = {}
  const byReason = isObject(counts.notSent) ? counts.notSent[step] : undefined
  for (const [reason, tally] of Object.entries(isObject(byReason) ? byReason : {})) {
    if (!NOT_SENT_REASONS.includes(reason) || !Array.isArray(tally)) continue
    notSent[reason as NotSentReason] = {
      count: Number(tally[0] ?? 0),
      sampleMessages: [String(tally[1] ?? '')],
    }
  }
  return {
    checks: checks.size === 0 ? undefined : Object.fromEntries(checks),
    notSent: Object.keys(notSent).length === 0 ? undefined : notSent,
  }
}

function stepsOf(counts: Partial<LocustScenarioCounts>): string[] {
  return [
    ...new Set([
      ...Object.keys(isObject(counts.checks) ? counts.checks : {}),
      ...Object.keys(isObject(counts.notSent) ? counts.notSent : {}),
    ]),
  ]
}

/**
 * Parses the journey locustfile's counts file into scenario metrics: `metricsOf` gives each one's requests,
 * the file its iterations, checks and requests never sent.
 */
export function parseLocustScenarios(
  text: string,
  metricsOf: (scenario: string) => LoadMetrics,
): Record<string, ScenarioMetrics> {
  const scenarios: Record<string, ScenarioMetrics> = {}
  for (const [name, counts] of parseCounts(text)) {
    const steps = stepsOf(counts).map((step) => stepCounts(counts, step))
    setOwn(scenarios, name, {
      iterations: Number(counts.iterations ?? 0),
      failedIterations: Number(counts.failedIterations ?? 0),
      iterationDuration: histogramStats(
        isObject(counts.durations) ? (counts.durations as Record<string, number>) : {},
      ),
      onStartFailures: Number(counts.onStartFailures ?? 0),
      metrics: withCheckCounts(metricsOf(name), sumChecks(steps), sumNotSent(steps)),
    })
  }
  return scenarios
}

/** Each step's checks and requests never sent, over every scenario (a step name is one endpoint). */
export function parseLocustStepCounts(text: string): Map<string, LocustStepCounts> {
  const byStep = new Map<string, LocustStepCounts[]>()
  for (const [, counts] of parseCounts(text)) {
    for (const step of stepsOf(counts))
      byStep.set(step, [...(byStep.get(step) ?? []), stepCounts(counts, step)])
  }
  return new Map(
    [...byStep].map(([step, parts]) => [step, { checks: sumChecks(parts), notSent: sumNotSent(parts) }]),
  )
}
