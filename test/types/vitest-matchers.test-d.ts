// Type tests of the matcher augmentation. Checked against Vitest 4 here and, by .ci/run, against Vitest 5
// (copied into a scratch project where `perfspec/vitest` is the packed tarball).
import type { LoadTestResult, PerfBaselineOptions, PerfResultPart, Thresholds } from 'perfspec'
import { type PerfWorkerConfig, perf } from 'perfspec/vitest'
import { describe, expect, expectTypeOf, inject, test } from 'vitest'
import { defineConfig } from 'vitest/config'

declare const result: LoadTestResult

describe('latency matchers', () => {
  test('take milliseconds', () => {
    expect(result).toHaveP50Below(100)
    expect(result).toHaveP90Below(100)
    expect(result).toHaveP95Below(100)
    expect(result).toHaveP99Below(100)
    expect(result).toHaveAvgResponseTimeBelow(100)
    expect(result).toHaveMaxResponseTimeBelow(100)
    expect(result).toHavePercentileBelow(99.9, 100)
    expectTypeOf(expect(result).toHaveP95Below).parameters.toEqualTypeOf<
      [ms: number, part?: PerfResultPart]
    >()
  })

  test('judge one endpoint or scenario of a journey', () => {
    expect(result).toHaveP95Below(100, { endpoint: 'order' })
    expect(result).toHavePercentileBelow(99, 100, { scenario: 'buy' })
    expect(result).toHaveErrorRateBelow(1, { endpoint: 'login' })
    expect(result).toHaveThroughputAbove(10, { scenario: 'browse' })
    expect(result).toHaveCheckRateAbove(99, { endpoint: 'login' })
    expect(result).not.toHaveP50Below(1, { endpoint: 'order' })
    // @ts-expect-error one of endpoint or scenario, not both
    expect(result).toHaveP95Below(100, { endpoint: 'a', scenario: 'b' })
    // @ts-expect-error an endpoint is named by a string
    expect(result).toHaveP95Below(100, { endpoint: 1 })
  })

  test('reject what is not a number of milliseconds', () => {
    // @ts-expect-error a string is not milliseconds
    expect(result).toHaveP95Below('200')
    // @ts-expect-error the limit is required
    expect(result).toHaveP99Below()
  })

  test('work with .not', () => {
    expect(result).not.toHaveP95Below(1)
    expect(result).not.toHavePercentileBelow(50, 1)
  })
})

describe('rate matchers', () => {
  test('take a percent and requests per second', () => {
    expect(result).toHaveErrorRateBelow(1)
    expect(result).toHaveThroughputAbove(100)
    expect(result).not.toHaveThroughputAbove(1e9)
  })
})

describe('toPassThresholds', () => {
  test('takes no argument, the seed spelling or k6 language', () => {
    expect(result).toPassThresholds()
    expect(result).toPassThresholds({ maxP95Ms: 200, minThroughputRps: 10 })
    expect(result).toPassThresholds({ http_req_duration: ['p(95)<200'], http_req_failed: ['rate<0.01'] })
    expectTypeOf(expect(result).toPassThresholds).parameter(0).toEqualTypeOf<Thresholds | undefined>()
  })

  test("takes k6's tagged sub-metrics of a journey", () => {
    expect(result).toPassThresholds({
      'http_req_duration{name:order}': ['p(95)<300'],
      'http_req_failed{name:login}': ['rate<0.01'],
      'http_reqs{scenario:buy}': ['count>10'],
    })
  })

  test('rejects unknown threshold names', () => {
    // @ts-expect-error not a threshold
    expect(result).toPassThresholds({ maxP96Ms: 200 })
  })
})

describe('toMatchPerfBaseline', () => {
  test('is async and takes baseline options', async () => {
    expectTypeOf(expect(result).toMatchPerfBaseline()).toEqualTypeOf<Promise<void>>()
    expectTypeOf(expect(result).toMatchPerfBaseline)
      .parameter(0)
      .toEqualTypeOf<PerfBaselineOptions | undefined>()
    await expect(result).toMatchPerfBaseline({ tolerance: 0.3, floorMs: 5 })
    await expect(result).toMatchPerfBaseline({ endpoint: 'order' })
    await expect(result).toMatchPerfBaseline({ tolerance: { cpu: 0.05, p95: 0.5 }, failOnInconclusive: true })
    // @ts-expect-error tolerance is a number (a fraction)
    await expect(result).toMatchPerfBaseline({ tolerance: '20%' })
    // @ts-expect-error the metrics are cpu, p95 and rps
    await expect(result).toMatchPerfBaseline({ tolerance: { latency: 0.1 } })
  })
})

describe('the augmentation', () => {
  test('does not invent matchers', () => {
    // @ts-expect-error no such matcher
    expect(result).toHaveP96Below(1)
  })

  test('types the provided worker config', () => {
    expectTypeOf(inject('perfspec')).toEqualTypeOf<PerfWorkerConfig>()
  })

  test('the plugin fits defineConfig', () => {
    defineConfig({ plugins: [perf({ defaults: { users: 2, duration: '1s' }, report: { json: false } })] })
    // @ts-expect-error unknown plugin option
    perf({ baseline: 'x' })
  })
})

describe('stress and benchmark matchers', () => {
  test('take users, and another benchmark result with an optional confidence', () => {
    expect(result).toHaveBreakPointAbove(50)
    expect(result).toBeSignificantlyFasterThan(result, { confidence: 0.99 })
    expect(result).not.toBeSignificantlyFasterThan(result)
    // @ts-expect-error users is a number
    expect(result).toHaveBreakPointAbove('50')
  })
})
