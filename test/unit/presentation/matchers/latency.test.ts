import { beforeAll, describe, expect, test } from 'vitest'
import { MatcherUsageError } from '../../../../src/foundation/errors.ts'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { failureOf, makeResult } from '../../../helpers/results.ts'

beforeAll(() => {
  expect.extend(perfMatchers)
})

describe('toHaveP95Below', () => {
  test('passes when p95 is below the limit', () => {
    expect(makeResult({ latency: { p95: 18 } })).toHaveP95Below(20)
  })

  test('fails with the metric, the limit, the actual value and the run summary', () => {
    const result = makeResult({ latency: { p50: 9, p95: 18, p99: 30 }, rps: 512.34, requests: 1234 })
    expect(failureOf(() => expect(result).toHaveP95Below(10))).toContain(
      [
        'Expected p95 to be below 10 ms',
        'Received p95: 18 ms',
        '',
        'Run: /api (native): 1,234 requests, 512.3 rps, p50 9.00 / p95 18.0 / p99 30.0 ms, 0.00% errors',
      ].join('\n'),
    )
  })

  test('is strict: a p95 equal to the limit is not below it', () => {
    expect(makeResult({ latency: { p95: 20 } })).not.toHaveP95Below(20)
  })

  test('works with .not and says so', () => {
    expect(makeResult({ latency: { p95: 18 } })).not.toHaveP95Below(5)
    expect(failureOf(() => expect(makeResult({ latency: { p95: 18 } })).not.toHaveP95Below(20))).toContain(
      'Expected p95 not to be below 20 ms',
    )
  })

  test('fails a run that completed no requests instead of passing on p95 = 0', () => {
    const empty = makeResult({ requests: 0, latency: { p95: 0 } })
    expect(failureOf(() => expect(empty).toHaveP95Below(20))).toContain('The run completed no requests')
  })
})

describe('the other latency matchers read their own statistic', () => {
  const result = makeResult({ latency: { p50: 9, p90: 14, p99: 30, mean: 10, max: 40, p75: 11, p999: 39 } })

  test.each([
    ['toHaveP50Below', 9],
    ['toHaveP90Below', 14],
    ['toHaveP99Below', 30],
    ['toHaveAvgResponseTimeBelow', 10],
    ['toHaveMaxResponseTimeBelow', 40],
  ] as const)('%s passes just above %d ms and fails at it', (matcher, actual) => {
    expect(result)[matcher](actual + 0.5)
    expect(() => expect(result)[matcher](actual)).toThrow(`Received`)
  })

  test('toHavePercentileBelow reads p75 and p99.9', () => {
    expect(result).toHavePercentileBelow(75, 12)
    expect(result).not.toHavePercentileBelow(75, 11)
    expect(result).toHavePercentileBelow(99.9, 40)
    expect(failureOf(() => expect(result).toHavePercentileBelow(99.9, 39))).toContain(
      'Expected p99.9 to be below 39 ms',
    )
  })

  test('toHavePercentileBelow names the percentiles it knows', () => {
    expect(() => expect(result).toHavePercentileBelow(42, 10)).toThrow(MatcherUsageError)
    expect(failureOf(() => expect(result).toHavePercentileBelow(42, 10))).toContain(
      'Expected the `p` argument to be one of 50, 75, 90, 95, 99, 99.9, got `42` (number)',
    )
  })
})

describe('bad input is a clear matcher error, not a crash', () => {
  test('a value that is not a perfspec result', () => {
    expect(failureOf(() => expect({ p95: 1 }).toHaveP95Below(5))).toContain(
      'toHaveP95Below expects a perfspec result (what loadTest() returns), received:',
    )
    expect(() => expect(undefined).toHaveP99Below(5)).toThrow(MatcherUsageError)
  })

  test('a forgotten await', () => {
    const pending = Promise.resolve(makeResult())
    // `as unknown`: where the received type shows a Promise (Jest's matchers), the call is a type error.
    expect(failureOf(() => expect(pending as unknown).toHaveP95Below(5))).toContain(
      'did you forget to `await` loadTest()?',
    )
  })

  test('a limit that is not a non-negative number', () => {
    expect(failureOf(() => expect(makeResult()).toHaveP95Below(Number.NaN))).toContain(
      'toHaveP95Below: Expected the `ms` argument to be a non-negative number, got `NaN` (number)',
    )
    expect(() => expect(makeResult()).toHaveP95Below('5' as unknown as number)).toThrow("got '5' (string)")
  })

  test('a .not does not turn a matcher error into a pass', () => {
    expect(() => expect('nope').not.toHaveP95Below(5)).toThrow(MatcherUsageError)
  })

  test('a JSON round trip of a result is still a result', () => {
    expect(JSON.parse(JSON.stringify(makeResult()))).toHaveP95Below(100)
  })
})
