import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { carrierThresholds, isCarrierThreshold } from '../../../../src/adapters/scripts/k6-journey-script.ts'
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
    expect(endpoints.item).toMatchObject({ method: 'GET', path: '/items/{{iteration}}', totalRequests: 197 })
    expect(endpoints.item?.failedRequests).toBe(0)
    expect(endpoints.item?.responseTimes.p50).toBeCloseTo(3.93, 2)
    expect(endpoints.login?.totalRequests).toBe(1)
    expect(endpoints.item?.timeline).toEqual([])
  })

  it('counts a template failure as a failed request that never went out, a capture failure as a failure', () => {
    const endpoints = k6Endpoints(summary, known)
    expect(endpoints.missing).toMatchObject({ totalRequests: 197, failedRequests: 197 })
    expect(endpoints.missing?.errorsByType.template?.count).toBe(197)
    expect(endpoints.order).toMatchObject({ totalRequests: 190, failedRequests: 190 })
    expect(endpoints.order?.errorsByType.capture_failed?.count).toBe(190)
    const run = withStepErrors(k6ToMetrics(summary), runStepErrors(summary, [...known.keys()]))
    expect(run.totalRequests).toBe(388 + 197)
    expect(run.failedRequests).toBe(197 + 190)
  })

  it('reads each scenario: iterations, failed iterations, onStart failures and its requests', () => {
    const scenarios = k6Scenarios(summary, ['browse', 'buy'])
    expect(scenarios.browse).toMatchObject({ iterations: 0, failedIterations: 197, onStartFailures: 0 })
    expect(scenarios.buy?.failedIterations).toBe(190)
    expect(scenarios.buy?.metrics.totalRequests).toBe(191)
    expect(scenarios.browse?.metrics.bytesReceived).toBeGreaterThan(0)
  })

  it("finds endpoints a user's script declared thresholds for, without a journey", () => {
    expect(Object.keys(k6Endpoints(summary, new Map())).sort()).toEqual(['item', 'login', 'missing', 'order'])
  })

  it('the carrier thresholds are always true and are told apart from real ones', () => {
    const thresholds = carrierThresholds(['a b'], ['buy'])
    expect(thresholds['http_req_duration{name:a b}']).toEqual(['max>=0'])
    expect(thresholds['perfspec_step_errors{name:a b,type:template}']).toEqual(['count>=0'])
    expect(thresholds['data_received{scenario:buy}']).toEqual(['count>=0'])
    expect(isCarrierThreshold('http_reqs{name:a b}', 'count>=0')).toBe(true)
    expect(isCarrierThreshold('http_req_duration{name:a b}', 'p(95)<300')).toBe(false)
    expect(isCarrierThreshold('http_reqs', 'count>=0')).toBe(false)
    expect(summary.thresholds.every((t) => isCarrierThreshold(t.metric, t.expression))).toBe(true)
  })
})
