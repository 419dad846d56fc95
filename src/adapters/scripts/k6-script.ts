import {
  K6_ERROR_RULES,
  K6_FAILURE_TYPES,
  type K6ErrorRule,
  k6FailureMetric,
} from '../../metrics/parsers/k6-error-codes.ts'
import { formatDurationForTool } from '../../options/duration.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import type { LoadShape } from '../../options/shape.ts'
import type { ParsedThreshold } from '../../options/thresholds.ts'
import type { ToolRunOptions } from '../adapter.ts'
import { k6AbortThresholds } from './k6-thresholds.ts'

/** Environment variable naming the JSON file the generated script reads. */
export const K6_SPEC_ENV = 'PERFSPEC_K6_SPEC'

/** Trend stats perfspec asks k6 for: p(99) and p(99.9) are not in k6's defaults. */
export const K6_TREND_STATS = [
  'avg',
  'min',
  'med',
  'max',
  'p(75)',
  'p(90)',
  'p(95)',
  'p(99)',
  'p(99.9)',
  'count',
]

/** k6's `options` for a run: closed model (vus/duration/stages/iterations) or an arrival-rate scenario. */
export type K6Options = Record<string, unknown>

/** What the generated script sends and how k6 runs it: every value from the options, as JSON data. */
export interface K6Spec {
  request: {
    method: string
    url: string
    name: string
    headers: Record<string, string>
    /** Base64, so any bytes survive JSON. */
    bodyBase64: string | null
    /** Null means the default: 2xx and 3xx succeed. */
    expectStatus: number[] | null
    timeout: string
  }
  options: K6Options
  failures: K6Failures
}

/** How a generated script files each failed request: a Counter per error type, k6's error codes mapped by `rules`. */
export interface K6Failures {
  metrics: Record<string, string>
  rules: readonly K6ErrorRule[]
}

/** The failure Counters and rules of every generated script (single request and journey). */
export function k6Failures(): K6Failures {
  return {
    metrics: Object.fromEntries(K6_FAILURE_TYPES.map((type) => [type, k6FailureMetric(type)])),
    rules: K6_ERROR_RULES,
  }
}

/**
 * Files a failed response under a perfspec error type (`failureType(response)`), counted in `failures`:
 * its status, else k6's `error_code` by `spec.failures.rules`. Shared by the generated scripts.
 */
export const K6_FAILURE_CODE = `
// k6's summary says how many requests failed, not why: one Counter per perfspec error type says why.
const failures = {}
for (const type of Object.keys(spec.failures.metrics)) failures[type] = new Counter(spec.failures.metrics[type])
const rules = spec.failures.rules.map((rule) => ({
  from: rule.from,
  to: rule.to,
  type: rule.type,
  pattern: rule.errorPattern === null ? null : new RegExp(rule.errorPattern),
}))

function failureType(response) {
  if (response.status !== 0) {
    return response.status >= 500 ? 'http_5xx' : response.status >= 400 ? 'http_4xx' : 'unexpected_status'
  }
  const code = response.error_code
  for (const rule of rules) {
    if (code >= rule.from && code <= rule.to && (rule.pattern === null || rule.pattern.test(response.error))) {
      return rule.type
    }
  }
  return 'other'
}
`

/** k6 takes whole requests per time unit: 2.5/s becomes 25 per 10 s. */
function arrivalRate(rate: number): { rate: number; timeUnit: string } {
  for (const unit of [1, 10, 100, 1000]) {
    if (Number.isInteger(rate * unit)) return { rate: rate * unit, timeUnit: `${unit}s` }
  }
  return { rate: Math.round(rate * 1000), timeUnit: '1000s' }
}

/** The load shape as k6 options (validated by assertK6Supports). */
export function k6LoadOptions(shape: LoadShape): K6Options {
  const duration = shape.durationMs === undefined ? undefined : formatDurationForTool(shape.durationMs)
  const base: K6Options = { summaryTrendStats: K6_TREND_STATS, discardResponseBodies: true }
  const arrivalScenario = (executor: string, fields: Record<string, unknown>): K6Options => ({
    ...base,
    scenarios: {
      perfspec: { executor, ...fields, preAllocatedVUs: shape.users, maxVUs: shape.maxUsers },
    },
  })
  if (shape.model === 'open') {
    const { arrival } = shape
    if (arrival.kind === 'rate') {
      return arrivalScenario('constant-arrival-rate', { ...arrivalRate(arrival.rate), duration })
    }
    const stages = arrival.stages.map((stage) => ({
      duration: formatDurationForTool(stage.durationMs),
      target: Math.round(stage.target),
    }))
    return arrivalScenario('ramping-arrival-rate', { startRate: 0, timeUnit: '1s', stages })
  }
  if (shape.requests !== undefined) {
    // shared-iterations: the requests are shared by the VUs; a duration becomes the maximum.
    return { ...base, vus: shape.users, iterations: shape.requests, ...(duration ? { duration } : {}) }
  }
  if (shape.rampUpMs > 0 && shape.durationMs !== undefined) {
    const hold = shape.durationMs - shape.rampUpMs
    const stages = [{ duration: formatDurationForTool(shape.rampUpMs), target: shape.users }]
    if (hold > 0) stages.push({ duration: formatDurationForTool(hold), target: shape.users })
    return { ...base, stages }
  }
  return { ...base, vus: shape.users, duration }
}

/** The data half of the generated script. */
export function k6Spec(options: Pick<ToolRunOptions, 'request' | 'shape' | 'thresholds'>): K6Spec {
  const { request } = options
  return {
    request: {
      method: request.method,
      url: request.url.href,
      name: request.name,
      headers: request.headers,
      bodyBase64: request.body === undefined ? null : request.body.toString('base64'),
      expectStatus: request.expectStatus === null ? null : [...request.expectStatus],
      timeout: formatDurationForTool(request.timeoutMs),
    },
    options: withAbortThresholds(
      { ...k6LoadOptions(options.shape), ...k6TlsAuth(request) },
      options.thresholds,
    ),
    failures: k6Failures(),
  }
}

// k6 watches the `abortOnFail` thresholds itself and stops its run when one is breached.
function withAbortThresholds(k6Options: K6Options, thresholds: readonly ParsedThreshold[]): K6Options {
  const aborting = k6AbortThresholds(thresholds)
  return aborting === undefined ? k6Options : { ...k6Options, thresholds: aborting }
}

/** A client certificate as k6's `tlsAuth`, for the URL's host (assertK6Supports refused what k6 cannot do). */
function k6TlsAuth(request: ResolvedRequest): K6Options {
  const { tls } = request
  if (tls?.cert === undefined || tls.key === undefined) return {}
  return { tlsAuth: [{ domains: [request.url.hostname], cert: tls.cert, key: tls.key }] }
}

/**
 * The code half: fixed JavaScript that never changes with the options. It reads the spec file named by
 * K6_SPEC_ENV with `JSON.parse(open(…))`, so a URL, header or body can hold quotes, backticks, `${…}` or
 * newlines and still is only data.
 */
export const GENERATED_K6_SCRIPT = `// Generated by perfspec. The request and options come from a JSON file (data), never from this code.
import http from 'k6/http'
import { check } from 'k6'
import encoding from 'k6/encoding'
import { Counter } from 'k6/metrics'

const spec = JSON.parse(open(__ENV.${K6_SPEC_ENV}))
const request = spec.request
const body = request.bodyBase64 === null ? null : encoding.b64decode(request.bodyBase64)
const expected = request.expectStatus === null ? { min: 200, max: 399 } : null
const params = { headers: request.headers, timeout: request.timeout, redirects: 0, tags: { name: request.name } }

export const options = spec.options

http.setResponseCallback(
  expected === null ? http.expectedStatuses(...request.expectStatus) : http.expectedStatuses(expected),
)

${K6_FAILURE_CODE}
function isExpected(status) {
  return expected === null ? request.expectStatus.includes(status) : status >= expected.min && status <= expected.max
}

export default function () {
  const response = http.request(request.method, request.url, body, params)
  const ok = isExpected(response.status)
  check(response, { 'status is expected': () => ok })
  if (!ok) failures[failureType(response)].add(1)
}
`
