// @jest/globals style: `expect` imported from the module, typed by the `expect` package's `Matchers`;
// perfspec's matchers join through the type import of `perfspec/jest`. An ES module test file.
import { describe, expect, test } from '@jest/globals'
import type { Reporter } from '@jest/reporters'
import type { BenchmarkResult, LoadTestResult, StressTestResult } from 'perfspec'
import type {} from 'perfspec/jest'
import PerfJestReporter from 'perfspec/jest-reporter'

declare const result: LoadTestResult

describe('perfspec matchers on @jest/globals expect', () => {
  test('latency, rates and thresholds', () => {
    expect(result).toHaveP90Below(100)
    expect(result).toHaveMaxResponseTimeBelow(100)
    expect(result).not.toHaveThroughputAbove(1e9)
    expect(result).toPassThresholds()
    expect(result).toHaveP90Below(100, { endpoint: 'order' })
    expect(result).toPassThresholds({ 'http_req_duration{name:order}': ['p(95)<300'] })
  })

  test('toMatchPerfBaseline is async', async () => {
    const matched: Promise<void> = expect(result).toMatchPerfBaseline({ floorMs: 5 })
    await matched
  })

  test('stress and benchmark matchers', () => {
    expect({} as StressTestResult).toHaveBreakPointAbove(50)
    expect({} as BenchmarkResult).toBeFasterThan({} as BenchmarkResult)
  })

  test('mistakes are type errors', () => {
    // @ts-expect-error a string is not milliseconds
    expect(result).toHaveP95Below('200')
    // @ts-expect-error not a threshold
    expect(result).toPassThresholds({ maxP96Ms: 200 })
    // @ts-expect-error no such matcher
    expect(result).toHaveP96Below(1)
  })
})

// The reporter is a Jest reporter, and takes the perf() options.
const reporter: Reporter = new PerfJestReporter(
  { rootDir: '/project', updateSnapshot: 'new' },
  {
    defaults: { users: 2, duration: '1s' },
    report: { json: 'perf.json' },
  },
)
void reporter
// @ts-expect-error unknown reporter option
new PerfJestReporter({ rootDir: '/project' }, { baseline: 'x' })
