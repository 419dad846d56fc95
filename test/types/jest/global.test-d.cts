// @types/jest style: the global `expect`, typed by `jest.Matchers` (tsconfig `"types": ["node", "jest"]`);
// perfspec's matchers join through the type import of `perfspec/jest`. A CommonJS test file, as Jest runs
// them by default.
import type { BenchmarkResult, LoadTestResult, PerfBaselineOptions, StressTestResult } from 'perfspec'
import type {} from 'perfspec/jest'

declare const result: LoadTestResult

describe('perfspec matchers on the global expect', () => {
  test('latency, rates and thresholds', () => {
    expect(result).toHaveP50Below(100)
    expect(result).toHaveP95Below(100)
    expect(result).toHavePercentileBelow(99.9, 100)
    expect(result).toHaveErrorRateBelow(1)
    expect(result).toHaveThroughputAbove(100)
    expect(result).toHaveCheckRateAbove(99.5)
    expect(result).not.toHaveP99Below(1)
    expect(result).toPassThresholds({ maxP95Ms: 200, http_req_failed: ['rate<0.01'] })
    expect(result).toHaveP95Below(300, { endpoint: 'order' })
    expect(result).toHaveErrorRateBelow(1, { scenario: 'buy' })
    const synchronous = (): void => expect(result).toHaveAvgResponseTimeBelow(100)
    synchronous()
  })

  test('toMatchPerfBaseline is async', async () => {
    const matched: Promise<void> = expect(result).toMatchPerfBaseline({ tolerance: 0.3 })
    await matched
    const options: Parameters<jest.Matchers<void>['toMatchPerfBaseline']>[0] = {} as PerfBaselineOptions
    void options
  })

  test('stress and benchmark matchers', () => {
    expect({} as StressTestResult).toHaveBreakPointAbove(50)
    expect({} as BenchmarkResult).toBeFasterThan({} as BenchmarkResult, { confidence: 0.99 })
  })

  test('a Promise handed to a matcher is a type error; .resolves takes one', async () => {
    const pending = Promise.resolve(result)
    // @ts-expect-error await loadTest() before expect()
    expect(pending).toHaveP95Below(200)
    // @ts-expect-error also with .not
    expect(pending).not.toPassThresholds()
    await expect(pending).resolves.toHaveP95Below(200)
    expect(JSON.parse('{}')).toHaveP95Below(200)
  })

  test('mistakes are type errors', async () => {
    // @ts-expect-error a string is not milliseconds
    expect(result).toHaveP95Below('200')
    // @ts-expect-error the limit is required
    expect(result).toHaveP99Below()
    // @ts-expect-error one part: an endpoint or a scenario
    expect(result).toHaveP99Below(1, { endpoint: 'a', scenario: 'b' })
    // @ts-expect-error tolerance is a fraction, not a string
    await expect(result).toMatchPerfBaseline({ tolerance: '20%' })
    // @ts-expect-error no such matcher
    expect(result).toHaveP96Below(1)
  })

  test("Jest's own matchers are untouched", () => {
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
  })
})
