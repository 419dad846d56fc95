import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadMetrics } from '../../../src/foundation/model/index.ts'
import { evaluateThresholds, mergeThresholds, parseThresholds } from '../../../src/options/thresholds.ts'

const metrics: LoadMetrics = {
  totalRequests: 1000,
  successfulRequests: 990,
  failedRequests: 10,
  errorRatePercent: 1,
  rps: 250,
  responseTimes: {
    min: 1,
    max: 400,
    mean: 40,
    sd: 10,
    p50: 30,
    p75: 45,
    p90: 80,
    p95: 120,
    p99: 300,
    p999: 390,
  },
  errorsByType: {
    check_failed: { count: 4, sampleMessages: [] },
    http_5xx: { count: 6, sampleMessages: [] },
  },
  statusCodes: { '200': 994, '500': 6 },
  bytesReceived: 0,
  durationMs: 4000,
  checks: { check: { passes: 990, fails: 4 }, 'has id': { passes: 1000, fails: 4 } },
}

describe('thresholds', () => {
  it("evaluates the seed's names", () => {
    const results = evaluateThresholds(
      parseThresholds({
        maxAvgResponseTimeMs: 50,
        maxErrorRatePercent: 0.5,
        minThroughputRps: 100,
        maxP95Ms: 100,
        maxP99Ms: 300,
      }),
      metrics,
    )
    expect(results).toEqual([
      { expression: 'maxAvgResponseTimeMs: 50', actual: 40, passed: true },
      { expression: 'maxErrorRatePercent: 0.5', actual: 1, passed: false },
      { expression: 'minThroughputRps: 100', actual: 250, passed: true },
      { expression: 'maxP95Ms: 100', actual: 120, passed: false },
      { expression: 'maxP99Ms: 300', actual: 300, passed: true },
    ])
  })

  it("evaluates k6's threshold language", () => {
    const results = evaluateThresholds(
      parseThresholds({
        http_req_duration: ['p(95)<200', 'avg<30', 'med<=30', 'p(99.9)<400'],
        http_req_failed: ['rate<0.01'],
        http_reqs: ['rate>100', 'count>=1000'],
        checks: ['rate>0.99'],
      }),
      metrics,
    )
    expect(results.map(({ expression, passed }) => [expression, passed])).toEqual([
      ['http_req_duration: p(95)<200', true],
      ['http_req_duration: avg<30', false],
      ['http_req_duration: med<=30', true],
      ['http_req_duration: p(99.9)<400', true],
      ['http_req_failed: rate<0.01', false],
      ['http_reqs: rate>100', true],
      ['http_reqs: count>=1000', true],
      ['checks: rate>0.99', true],
    ])
    expect(results[4]?.actual).toBe(0.01)
    expect(results[7]?.actual).toBeCloseTo(1990 / 1998)
  })

  it('judges the checks that ran, and fails a check rate with none, saying so', () => {
    const thresholds = parseThresholds({ checks: ['rate>=1.0', 'rate<2'] })
    const allPassed = { ...metrics, checks: { 'status 200': { passes: 10, fails: 0 } } }
    expect(evaluateThresholds(thresholds, allPassed).map((result) => result.passed)).toEqual([true, true])
    // Failed requests are not failed checks: a 401 is judged by `expectStatus`, a check by its own verdict.
    const { checks: _none, ...noChecks } = metrics
    for (const result of evaluateThresholds(thresholds, noChecks)) {
      expect(result).toMatchObject({
        actual: 0,
        passed: false,
        note: expect.stringContaining('no check ran'),
      })
    }
  })

  it('fails every threshold of a run that made no request', () => {
    const empty = { ...metrics, totalRequests: 0 }
    expect(evaluateThresholds(parseThresholds({ maxErrorRatePercent: 5 }), empty)[0]?.passed).toBe(false)
  })

  it.each([
    [{ http_req_duration: ['p95<200'] }, 'p95<200'],
    [{ http_req_duration: ['p(95)<<200'] }, 'p(95)<<200'],
    [{ http_req_duration: ['p(42)<200'] }, 'p(42)'],
    [{ http_req_failed: ['avg<1'] }, 'avg'],
    [{ http_req_waiting: ['p(95)<200'] }, 'http_req_waiting'],
    [{ maxAvgResponseTimeMs: -1 }, 'maxAvgResponseTimeMs'],
    [{ maxAvgResponseTimeMs: '500' }, 'maxAvgResponseTimeMs'],
    // Names every object has, as an options file gives them (own keys): unknown, not read as known ones.
    [JSON.parse('{"__proto__": ["rate<1"]}'), 'Unknown threshold `__proto__`'],
    [{ constructor: 5 }, 'Unknown threshold `constructor`'],
    [{ 'constructor{name:a}': ['rate<1'] }, 'Unknown threshold `constructor{name:a}`'],
  ])('rejects %j with PERF_INVALID_THRESHOLD naming %s', (thresholds, named) => {
    let thrown: unknown
    try {
      parseThresholds(thresholds as never)
    } catch (error) {
      thrown = error
    }
    expect(isPerfError(thrown, 'PERF_INVALID_THRESHOLD')).toBe(true)
    expect((thrown as Error).message).toContain(named)
  })
})

describe('mergeThresholds', () => {
  it('keeps an own `__proto__` key a key, so that it is refused rather than hiding its layer', () => {
    const merged = mergeThresholds(
      { maxP95Ms: 100 },
      JSON.parse('{"__proto__": ["rate<1"], "maxP99Ms": 200}'),
    )
    expect(Object.keys(merged ?? {})).toEqual(['maxP95Ms', '__proto__', 'maxP99Ms'])
    expect(() => parseThresholds(merged)).toThrow('Unknown threshold `__proto__`')
  })
})
