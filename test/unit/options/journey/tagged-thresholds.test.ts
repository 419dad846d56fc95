import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import type { LoadTestOptions, Thresholds } from '../../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { evaluateThresholds, parseThresholds } from '../../../../src/options/thresholds.ts'
import { parseQaConfig } from '../../../../src/orchestration/config.ts'
import { applyTestContext } from '../../../../src/orchestration/context.ts'
import { makeResult } from '../../../helpers/results.ts'

const url = 'http://127.0.0.1:9'

function metricsOf(p95: number, requests = 100, failed = 0) {
  return makeResult({ latency: { p95 }, requests, failed }).metrics
}

const breakdown = {
  endpoints: { login: metricsOf(50, 10, 1), order: metricsOf(400) },
  scenarios: { buy: { metrics: metricsOf(300, 20) } },
}

function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (isPerfError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a PerfError')
}

describe('tagged thresholds', () => {
  it('parse with their tag and keep the key in the expression', () => {
    const [duration, failed, requests] = parseThresholds({
      'http_req_duration{name:order}': ['p(95)<300'],
      'http_req_failed{ name : login }': ['rate<0.01'],
      'http_reqs{scenario:buy}': ['count>10'],
    })
    expect(duration).toMatchObject({
      expression: 'http_req_duration{name:order}: p(95)<300',
      stat: 'p95',
      tag: { kind: 'name', value: 'order' },
    })
    expect(failed!.tag).toEqual({ kind: 'name', value: 'login' })
    expect(requests).toMatchObject({ stat: 'totalRequests', tag: { kind: 'scenario', value: 'buy' } })
  })

  it('judge their endpoint or scenario, not the run', () => {
    const thresholds = parseThresholds({
      'http_req_duration{name:order}': ['p(95)<300'],
      'http_req_duration{name:login}': ['p(95)<300'],
      'http_req_failed{name:login}': ['rate<0.05'],
      'http_reqs{scenario:buy}': ['count>10'],
    })
    const results = evaluateThresholds(thresholds, metricsOf(10), breakdown)
    expect(results.map((result) => [result.expression, result.actual, result.passed])).toEqual([
      ['http_req_duration{name:order}: p(95)<300', 400, false],
      ['http_req_duration{name:login}: p(95)<300', 50, true],
      ['http_req_failed{name:login}: rate<0.05', 0.1, false],
      ['http_reqs{scenario:buy}: count>10', 20, true],
    ])
  })

  it('are a PerfError when the run has no such endpoint', () => {
    const [threshold] = parseThresholds({ 'http_req_duration{name:ordr}': ['p(95)<300'] })
    const error = thrown(() => evaluateThresholds([threshold!], metricsOf(10), breakdown))
    expect(error.code).toBe('PERF_INVALID_THRESHOLD')
    expect(error.message).toContain("names the endpoint 'ordr'")
    expect(error.message).toContain("'login', 'order'")
  })

  it('refuse tags other than name, scenario and group', () => {
    expect(
      thrown(() => parseThresholds({ 'http_req_duration{method:GET}': ['p(95)<1'] } as Thresholds)).message,
    ).toContain('Unsupported tag')
    expect(
      thrown(() => parseThresholds({ 'group_duration{name:x}': ['p(95)<1'] } as Thresholds)).message,
    ).toContain('`group_duration` takes a group')
  })

  it("judge a group's own requests with a group tag (k6's http_req_duration{group:::a})", () => {
    const parsed = parseThresholds({ 'http_req_duration{group:::a}': ['p(95)<300'] } as Thresholds)
    const groups = { a: { count: 1, duration: metricsOf(10).responseTimes, metrics: metricsOf(250) } }
    expect(evaluateThresholds(parsed, metricsOf(10), { groups })).toMatchObject([
      { actual: 250, passed: true },
    ])
    expect(evaluateThresholds(parsed, metricsOf(10), {})).toMatchObject([
      { passed: false, note: "the group 'a' never ran" },
    ])
  })
})

describe('tagged thresholds in the options', () => {
  const steps = [{ name: 'login', path: '/login' }, { path: '/items' }]

  it('pass when they name a step of the journey, by its name or default name', () => {
    const resolved = resolveLoadOptions({
      url,
      steps,
      thresholds: {
        'http_req_duration{name:login}': ['p(95)<1'],
        'http_req_duration{name:GET /items}': ['p(95)<1'],
      },
    })
    expect(resolved.thresholds).toHaveLength(2)
  })

  it('are refused before any traffic when the journey has no such endpoint or scenario', () => {
    const unknown = thrown(() =>
      resolveLoadOptions({ url, steps, thresholds: { 'http_req_duration{name:logn}': ['p(95)<1'] } }),
    )
    expect(unknown.message).toContain("endpoints: 'login', 'GET /items'")
    const scenario = thrown(() =>
      resolveLoadOptions({ url, steps, thresholds: { 'http_reqs{scenario:buy}': ['count>1'] } }),
    )
    expect(scenario.message).toContain("scenarios: 'default'")
    const noJourney = thrown(() =>
      resolveLoadOptions({ url, thresholds: { 'http_reqs{name:a}': ['count>1'] } }),
    )
    expect(noJourney.message).toContain('none: the run has no journey')
  })

  it("wait for the run with a user's own k6 script", () => {
    const resolved = resolveLoadOptions({
      url,
      script: 'x.js',
      thresholds: { 'http_reqs{name:a}': ['count>1'] },
    })
    expect(resolved.thresholds[0]!.tag).toEqual({ kind: 'name', value: 'a' })
  })

  it('from config/qa.yaml', () => {
    const config = parseQaConfig(
      'performance:\n  thresholds:\n    "http_req_duration{name:order}": ["p(95)<300"]\n    max_p95_ms: 200\n',
    )
    expect(config.thresholds).toEqual({ 'http_req_duration{name:order}': ['p(95)<300'], maxP95Ms: 200 })
  })

  it('shared ones (config, plugin) apply only to runs whose journey has the endpoint', () => {
    const shared: Thresholds = { maxP95Ms: 200, 'http_req_duration{name:order}': ['p(95)<300'] }
    const { options, sharedThresholds } = applyTestContext({ url }, undefined, { thresholds: shared })
    expect(options.thresholds).toBeUndefined()
    expect(sharedThresholds).toEqual(shared)
    const expressions = (run: LoadTestOptions) =>
      resolveLoadOptions(run, {}, sharedThresholds).thresholds.map(({ expression }) => expression)
    const steps = [{ name: 'order', path: '/o' }]
    expect(expressions({ url, steps })).toEqual(['maxP95Ms: 200', 'http_req_duration{name:order}: p(95)<300'])
    expect(expressions({ url })).toEqual(['maxP95Ms: 200'])
    // The run's own replace them key by key; a user's own script names its endpoints only when it runs.
    expect(expressions({ url, steps, thresholds: { maxP95Ms: 100 } })[0]).toBe('maxP95Ms: 100')
    expect(expressions({ url, script: 'x.js' })).toContain('http_req_duration{name:order}: p(95)<300')
  })
})
