import type {
  CheckCounts,
  EndpointMetrics,
  LoadMetrics,
  ScenarioMetrics,
} from '../../foundation/model/index.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { withCheckCounts } from '../check-counts.ts'
import { deriveRequestCounts } from '../request-counts.ts'
import type { KnownEndpoints } from './endpoint-names.ts'
import { K6_JOURNEY_METRICS, K6_NOT_SENT_REASONS, K6_STEP_ERROR_TYPES } from './k6-journey-metrics.ts'
import { type K6Summary, k6ToMetrics } from './k6-summary.ts'

type StepErrorType = (typeof K6_STEP_ERROR_TYPES)[number]

const MESSAGES: Record<StepErrorType, string> = {
  capture_failed: 'a capture found nothing in the response',
}

const NOT_SENT_MESSAGE = 'a {{var}} named no var (or rendered a control character): the step was not sent'

/** The check names of a generated journey, by step name or by scenario: what the script tags its checks with. */
export type KnownChecks = ReadonlyMap<string, readonly string[]>

/** Adds the step failures the journey script counted itself: a `capture_failed` is a response k6 counted as a success. */
export function withStepErrors(
  metrics: LoadMetrics,
  counts: Partial<Record<StepErrorType, number>>,
): LoadMetrics {
  const capture = counts.capture_failed ?? 0
  if (capture === 0) return metrics
  const failed = Math.min(metrics.totalRequests, metrics.failedRequests + capture)
  const errorsByType = { ...metrics.errorsByType }
  for (const type of K6_STEP_ERROR_TYPES) {
    const count = counts[type] ?? 0
    if (count > 0) errorsByType[type] = { count, sampleMessages: [MESSAGES[type]] }
  }
  return {
    ...metrics,
    ...deriveRequestCounts({ total: metrics.totalRequests, failed, durationMs: metrics.durationMs }),
    errorsByType,
  }
}

function stepErrorCounts(summary: K6Summary, name: string): Partial<Record<StepErrorType, number>> {
  const counts: Partial<Record<StepErrorType, number>> = {}
  for (const type of K6_STEP_ERROR_TYPES) {
    const count = summary.metrics.get(`${K6_JOURNEY_METRICS.stepErrors}{name:${name},type:${type}}`)?.count
    if (count !== undefined && count > 0) counts[type] = count
  }
  return counts
}

/** The step errors of the whole run (the untagged custom metric is the sum over every endpoint). */
export function runStepErrors(
  summary: K6Summary,
  names: readonly string[],
): Partial<Record<StepErrorType, number>> {
  const total: Partial<Record<StepErrorType, number>> = {}
  for (const name of names) {
    for (const [type, count] of Object.entries(stepErrorCounts(summary, name)) as [StepErrorType, number][])
      total[type] = (total[type] ?? 0) + count
  }
  return total
}

/** A part's (`name:item`, `scenario:buy`) named checks, from the `checks{…,check:…}` sub-metrics. */
function checksOf(summary: K6Summary, tag: string, names: readonly string[]): LoadMetrics['checks'] {
  const checks = new Map<string, CheckCounts>()
  for (const name of names) {
    const rate = summary.metrics.get(`checks{${tag},check:${name}}`)
    // A Rate's `passes` are its true samples: the checks that passed.
    if (rate !== undefined) checks.set(name, { passes: rate.passes ?? 0, fails: rate.fails ?? 0 })
  }
  return checks.size === 0 ? undefined : Object.fromEntries(checks)
}

/** A part's requests that never went out, from the script's `perfspec_not_sent{…,reason:…}` counters. */
function notSentOf(summary: K6Summary, tag: string): LoadMetrics['notSent'] {
  const notSent: LoadMetrics['notSent'] = {}
  for (const reason of K6_NOT_SENT_REASONS) {
    const count = summary.metrics.get(`${K6_JOURNEY_METRICS.notSent}{${tag},reason:${reason}}`)?.count ?? 0
    if (count > 0) notSent[reason] = { count, sampleMessages: [NOT_SENT_MESSAGE] }
  }
  return Object.keys(notSent).length === 0 ? undefined : notSent
}

const NAME_TAG = /^http_reqs\{name:(.*)\}$/

/**
 * Endpoints from k6's tagged sub-metrics (`http_reqs{name:login}`, …): the generated journey's steps (known),
 * with their checks and requests never sent, plus any `{name:…}` sub-metric a user's script declared a
 * threshold for. k6 keeps no per-second data in its summary, so an endpoint's timeline is empty.
 */
export function k6Endpoints(
  summary: K6Summary,
  known: KnownEndpoints,
  checks: KnownChecks = new Map(),
): Record<string, EndpointMetrics> {
  const names = new Set(known.keys())
  for (const key of summary.metrics.keys()) {
    const match = NAME_TAG.exec(key)
    if (match?.[1] !== undefined) names.add(match[1])
  }
  const endpoints: Record<string, EndpointMetrics> = {}
  for (const name of names) {
    const tag = `name:${name}`
    const metrics = withCheckCounts(
      withStepErrors(k6ToMetrics(summary, `{${tag}}`), stepErrorCounts(summary, name)),
      checksOf(summary, tag, checks.get(name) ?? []),
      known.has(name) ? notSentOf(summary, tag) : undefined,
    )
    setOwn(endpoints, name, {
      ...metrics,
      method: known.get(name)?.method ?? 'GET',
      path: known.get(name)?.path ?? name,
      timeline: [],
    })
  }
  return endpoints
}

/** Scenarios from the journey script's tagged counters and trends. */
export function k6Scenarios(
  summary: K6Summary,
  scenarios: readonly string[],
  checks: KnownChecks = new Map(),
): Record<string, ScenarioMetrics> {
  const result: Record<string, ScenarioMetrics> = {}
  for (const name of scenarios) {
    const tagged = (metric: string): Record<string, number> =>
      summary.metrics.get(`${metric}{scenario:${name}}`) ?? {}
    const duration = tagged(K6_JOURNEY_METRICS.duration)
    const tag = `scenario:${name}`
    setOwn(result, name, {
      iterations: tagged(K6_JOURNEY_METRICS.completed).count ?? 0,
      failedIterations: tagged(K6_JOURNEY_METRICS.failed).count ?? 0,
      iterationDuration: {
        min: duration.min ?? 0,
        max: duration.max ?? 0,
        mean: duration.avg ?? 0,
        sd: 0,
        p50: duration.med ?? 0,
        p75: duration['p(75)'] ?? 0,
        p90: duration['p(90)'] ?? 0,
        p95: duration['p(95)'] ?? 0,
        p99: duration['p(99)'] ?? 0,
        p999: duration['p(99.9)'] ?? 0,
      },
      onStartFailures: tagged(K6_JOURNEY_METRICS.onStartFailures).count ?? 0,
      metrics: withCheckCounts(
        k6ToMetrics(summary, `{${tag}}`),
        checksOf(summary, tag, checks.get(name) ?? []),
        notSentOf(summary, tag),
      ),
    })
  }
  return result
}
