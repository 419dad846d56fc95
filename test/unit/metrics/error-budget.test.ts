import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { describeErrors } from '../../../src/foundation/model/index.ts'
import {
  evaluateErrorBudget,
  evaluateScenarioCoverage,
  scenariosNeverRun,
} from '../../../src/metrics/error-budget.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { makeResult } from '../../helpers/results.ts'

const url = 'http://127.0.0.1:4711/'

describe('evaluateErrorBudget', () => {
  const metrics = (total: number, failed: number) => ({
    ...makeResult({ requests: total, failed }).metrics,
  })

  it('passes up to the budget and fails past it', () => {
    expect(evaluateErrorBudget({ maxFraction: 0.01 }, metrics(100, 1))?.passed).toBe(true)
    expect(evaluateErrorBudget({ maxFraction: 0.01 }, metrics(100, 2))).toMatchObject({
      passed: false,
      actual: 0.02,
    })
  })

  it('fails a run in which no request succeeded, even with a budget of 1', () => {
    expect(evaluateErrorBudget({ maxFraction: 1 }, metrics(10, 10))?.passed).toBe(false)
    expect(evaluateErrorBudget({ maxFraction: undefined }, metrics(10, 10))?.passed).toBe(false)
    expect(evaluateErrorBudget({ maxFraction: 0.5 }, metrics(0, 0))?.passed).toBe(false)
  })

  it('is silent when off', () => {
    expect(evaluateErrorBudget(false, metrics(10, 10))).toBeUndefined()
  })

  it('counts requests never sent as failed tries (they are not requests)', () => {
    const unsent = { ...metrics(99, 0), notSent: { template: { count: 1, sampleMessages: [] } } }
    expect(evaluateErrorBudget({ maxFraction: 0.01 }, unsent)).toMatchObject({ passed: true, actual: 0.01 })
    unsent.notSent.template.count = 2
    expect(evaluateErrorBudget({ maxFraction: 0.01 }, unsent)?.passed).toBe(false)
  })
})

describe('a weighted scenario that never ran', () => {
  const scenario = (iterations: number, requests = iterations) => ({
    iterations,
    failedIterations: 0,
    onStartFailures: 0,
    iterationDuration: makeResult().metrics.responseTimes,
    metrics: makeResult({ requests }).metrics,
  })

  it('is found in a mix, not in a single journey, and not once it sent anything', () => {
    expect(scenariosNeverRun({ browse: scenario(9), buy: scenario(0) })).toEqual(['buy'])
    expect(scenariosNeverRun({ browse: scenario(9), buy: scenario(0, 1) })).toEqual([])
    expect(scenariosNeverRun({ default: scenario(0) })).toEqual([])
    expect(scenariosNeverRun(undefined)).toEqual([])
  })

  it('fails the error budget, naming it; not when the budget is off', () => {
    expect(evaluateScenarioCoverage({ maxFraction: 0.01 }, ['buy'])).toEqual({
      expression: 'errorBudget: every scenario of the mix ran',
      actual: 1,
      passed: false,
      note: "never ran: 'buy'",
    })
    expect(evaluateScenarioCoverage(false, ['buy'])).toBeUndefined()
    expect(evaluateScenarioCoverage({ maxFraction: 0.01 }, [])).toBeUndefined()
  })
})

describe('the errorBudget option', () => {
  it('defaults to 1%, takes a share or false, and a default from the defaults layer', () => {
    expect(resolveLoadOptions({ url }).errorBudget).toEqual({ maxFraction: 0.01 })
    expect(resolveLoadOptions({ url, errorBudget: 0.05 }).errorBudget).toEqual({ maxFraction: 0.05 })
    expect(resolveLoadOptions({ url, errorBudget: false }).errorBudget).toBe(false)
    expect(resolveLoadOptions({ url }, { errorBudget: 0.2 }).errorBudget).toEqual({ maxFraction: 0.2 })
    expect(resolveLoadOptions({ url }, { errorBudget: false }).errorBudget).toBe(false)
  })

  it("gives way to the run's own error-rate threshold unless set on the run", () => {
    const thresholds = { http_req_failed: ['rate<0.1'] }
    expect(resolveLoadOptions({ url, thresholds }).errorBudget).toEqual({ maxFraction: undefined })
    expect(resolveLoadOptions({ url, thresholds, errorBudget: 0.01 }).errorBudget).toEqual({
      maxFraction: 0.01,
    })
  })

  it.each([[-0.1], [1.5], ['5%'], [true]])('refuses %j before any request', (value) => {
    let error: unknown
    try {
      resolveLoadOptions({ url, errorBudget: value as number })
    } catch (thrown) {
      error = thrown
    }
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain('`errorBudget`')
  })
})

describe('describeErrors', () => {
  it('lists error types by count with a hint each', () => {
    const result = makeResult({ requests: 10, failed: 10 })
    result.options.url = url
    result.metrics.errorsByType = {
      timeout: { count: 3, sampleMessages: ['request exceeded the 30000 ms timeout'] },
      connection_refused: { count: 7, sampleMessages: ['ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4711'] },
    }
    expect(describeErrors(result)).toEqual([
      '70% connection_refused (7 of 10): nothing is listening at 127.0.0.1:4711? — e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4711"',
      `30% timeout (3 of 10): no answer within the ${result.options.timeoutMs} ms \`timeout\`: a slow or stuck server, or raise \`timeout\` — e.g. "request exceeded the 30000 ms timeout"`,
    ])
  })

  it('tells a certificate problem apart from other errors', () => {
    const result = makeResult({ requests: 4, failed: 4 })
    result.metrics.errorsByType = {
      other: { count: 4, sampleMessages: ['DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate'] },
    }
    expect(describeErrors(result)[0]).toContain('TLS: the certificate is not trusted (self-signed?)')
  })

  it('adds the requests a journey never sent, as counts (they are not requests)', () => {
    const result = makeResult({ requests: 0 })
    result.metrics.notSent = {
      template: { count: 12, sampleMessages: ['item: {{id}} in path names no var'] },
    }
    expect(describeErrors(result)).toEqual([
      'never sent: 12 template (not requests): a `{{var}}` names a var that does not exist — e.g. "item: {{id}} in path names no var"',
    ])
  })
})
