import { beforeAll, describe, expect, test } from 'vitest'
import { MatcherUsageError } from '../../../../src/foundation/errors.ts'
import { areThresholdsChecked } from '../../../../src/orchestration/context.ts'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { failureOf, makeResult } from '../../../helpers/results.ts'

beforeAll(() => {
  expect.extend(perfMatchers)
})

describe('toPassThresholds()', () => {
  test('checks the thresholds the run carries', () => {
    const result = makeResult()
    result.thresholds = [
      { expression: 'maxP95Ms: 20', actual: 18, passed: true },
      { expression: 'http_req_duration: p(99)<25', actual: 30, passed: false },
    ]
    expect(result).not.toPassThresholds()
    const message = failureOf(() => expect(result).toPassThresholds())
    expect(message).toContain('Expected every threshold to pass; 1 of 2 failed:')
    expect(message).toContain('  ✓ maxP95Ms: 20  (actual 18)')
    expect(message).toContain('  ✗ http_req_duration: p(99)<25  (actual 30)')
    expect(message).toContain('Run: /api (native)')
  })

  test('fails when there is nothing to check, saying where thresholds come from', () => {
    expect(failureOf(() => expect(makeResult()).toPassThresholds())).toContain(
      'No thresholds to check: pass some, or set them in perf({ thresholds }), config/qa.yaml',
    )
  })

  test('marks the result as checked, so the setup file does not fail the test a second time', () => {
    const result = makeResult()
    result.thresholds = [{ expression: 'maxP95Ms: 1', actual: 18, passed: false }]
    expect(areThresholdsChecked(result)).toBe(false)
    expect(result).not.toPassThresholds()
    expect(areThresholdsChecked(result)).toBe(true)
  })
})

describe('toPassThresholds(thresholds)', () => {
  const result = makeResult({ latency: { p95: 18, mean: 10 }, requests: 1000, failed: 5, rps: 500 })

  test("evaluates k6's language", () => {
    expect(result).toPassThresholds({
      http_req_duration: ['p(95)<20', 'avg<11'],
      http_req_failed: ['rate<0.01'],
      http_reqs: ['rate>100'],
    })
    expect(result).not.toPassThresholds({ http_req_duration: ['p(95)<10'] })
  })

  test("evaluates the seed's names", () => {
    expect(result).toPassThresholds({
      maxAvgResponseTimeMs: 10,
      maxErrorRatePercent: 1,
      minThroughputRps: 400,
    })
    expect(failureOf(() => expect(result).toPassThresholds({ maxP95Ms: 15, maxP99Ms: 100 }))).toContain(
      '  ✗ maxP95Ms: 15  (actual 18)',
    )
  })

  test('an unknown key or malformed expression is a MatcherUsageError naming it', () => {
    expect(() => expect(result).toPassThresholds({ maxP96Ms: 1 } as never)).toThrow(MatcherUsageError)
    expect(() => expect(result).toPassThresholds({ maxP96Ms: 1 } as never)).toThrow('`maxP96Ms`')
    expect(() => expect(result).toPassThresholds({ http_req_duration: ['p(95)<<200'] })).toThrow(
      "'p(95)<<200'",
    )
  })
})
