import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { carrierThresholds, isCarrierThreshold } from '../../../../src/adapters/scripts/k6-journey-script.ts'
import { withEndpointCounts } from '../../../../src/metrics/check-counts.ts'
import {
  k6Endpoints,
  k6Scenarios,
  runStepErrors,
  withStepErrors,
} from '../../../../src/metrics/parsers/k6-endpoints.ts'
import { k6ToMetrics, parseK6Summary } from '../../../../src/metrics/parsers/k6-summary.ts'

const summary = parseK6Summary(
  readFileSync(new URL('../../../fixtures/k6/journey-summary-export.json', import.meta.url), 'utf8'),
)
const known = new Map([
  ['item', { method: 'GET' as const, path: '/items/{{iteration}}' }],
  ['missing', { method: 'GET' as const, path: '/x/{{nope}}' }],
  ['login', { method: 'POST' as const, path: '/login' }],
  ['order', { method: 'POST' as const, path: '/orders' }],
])

describe('k6 journey summary', () => {
  it("reads each endpoint from its {name:…} sub-metrics, with the journey's method and path", () => {
    const endpoints = k6Endpoints(summary, known)
    expect(Object.keys(endpoints)).toEqual(['item', 'missing', 'login', 'order'])
    expect(endpoints.item).toMatchObject({ method: 'GET', path: '/items/{{iteration}}', totalRequests: 99 })
    expect(endpoints.item?.failedRequests).toBe(0)
    expect(endpoints.item?.responseTimes.p50).toBeGreaterThan(3)
    expect(endpoints.login?.totalRequests).toBe(1)
    expect(endpoints.item?.timeline).toEqual([])
  })

  it('counts a request never sent apart from the requests, a capture failure as a failure', () => {
    const endpoints = k6Endpoints(summary, known)
    expect(endpoints.missing).toMatchObject({ totalRequests: 0, failedRequests: 0 })
    expect(endpoints.missing?.notSent?.template?.count).toBe(99)
    expect(endpoints.missing?.errorsByType.template).toBeUndefined()
    expect(endpoints.order).toMatchObject({ totalRequests: 240, failedRequests: 240 })
    expect(endpoints.order?.errorsByType.capture_failed?.count).toBe(240)
    const run = withEndpointCounts(
      withStepErrors(k6ToMetrics(summary), runStepErrors(summary, [...known.keys()])),
      endpoints,
    )
    expect(run.totalRequests).toBe(340)
    expect(run.failedRequests).toBe(240)
    expect(run.notSent?.template?.count).toBe(99)
  })

  it("reads each endpoint's and scenario's named checks from their {…,check:…} sub-metrics", () => {
    const byStep = new Map([
      ['item', ['status 200', 'is admin']],
      ['order', ['status 200']],
    ])
    const endpoints = k6Endpoints(summary, known, byStep)
    expect(endpoints.item?.checks).toEqual({
      'status 200': { passes: 99, fails: 0 },
      'is admin': { passes: 0, fails: 99 },
    })
    expect(endpoints.order?.checks).toEqual({ 'status 200': { passes: 240, fails: 0 } })
    expect(endpoints.missing?.checks).toBeUndefined()
    expect(withEndpointCounts(k6ToMetrics(summary), endpoints).checks).toEqual({
      'status 200': { passes: 339, fails: 0 },
      'is admin': { passes: 0, fails: 99 },
    })
    const scenarios = k6Scenarios(
      summary,
      ['browse', 'buy'],
      new Map([
        ['browse', ['status 200', 'is admin']],
        ['buy', ['status 200']],
      ]),
    )
    expect(scenarios.buy?.metrics.checks).toEqual({ 'status 200': { passes: 240, fails: 0 } })
    expect(scenarios.browse?.metrics.notSent?.template?.count).toBe(99)
  })

  it('reads each scenario: iterations, failed iterations, onStart failures and its requests', () => {
    const scenarios = k6Scenarios(summary, ['browse', 'buy'])
    expect(scenarios.browse).toMatchObject({ iterations: 0, failedIterations: 99, onStartFailures: 0 })
    expect(scenarios.buy?.failedIterations).toBe(240)
    expect(scenarios.buy?.metrics.totalRequests).toBe(241)
    expect(scenarios.browse?.metrics.bytesReceived).toBeGreaterThan(0)
  })

  it("finds endpoints a user's script declared thresholds for, without a journey", () => {
    expect(Object.keys(k6Endpoints(summary, new Map())).sort()).toEqual(['item', 'login', 'missing', 'order'])
  })

  it('the carrier thresholds are always true and are told apart from real ones', () => {
    const thresholds = carrierThresholds(['a b'], ['buy'])
    expect(thresholds['http_req_duration{name:a b}']).toEqual(['max>=0'])
    expect(thresholds['perfspec_step_errors{name:a b,type:capture_failed}']).toEqual(['count>=0'])
    expect(thresholds['perfspec_not_sent{name:a b,reason:template}']).toEqual(['count>=0'])
    expect(
      carrierThresholds(['a'], ['s'], { byStep: new Map([['a', ['ok']]]), byScenario: new Map() }),
    ).toMatchObject({
      'checks{name:a,check:ok}': ['rate>=0'],
    })
    expect(thresholds['data_received{scenario:buy}']).toEqual(['count>=0'])
    expect(isCarrierThreshold('http_reqs{name:a b}', 'count>=0')).toBe(true)
    expect(isCarrierThreshold('http_req_duration{name:a b}', 'p(95)<300')).toBe(false)
    expect(isCarrierThreshold('http_reqs', 'count>=0')).toBe(false)
    expect(summary.thresholds.every((t) => isCarrierThreshold(t.metric, t.expression))).toBe(true)
  })
})
