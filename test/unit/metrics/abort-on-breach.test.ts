import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadProgress } from '../../../src/foundation/types.ts'
import { abortingThresholds, findBreach } from '../../../src/metrics/abort-on-breach.ts'
import { parseThresholds } from '../../../src/options/thresholds.ts'

const progress = (shape: Partial<LoadProgress>): LoadProgress => ({
  name: '/',
  elapsedMs: 1000,
  durationMs: 10_000,
  requests: 100,
  rps: 100,
  p95: 10,
  errorRatePercent: 0,
  ...shape,
})

describe('abortOnFail thresholds', () => {
  it("reads k6's object form and the seed's { limit } form", () => {
    const parsed = parseThresholds({
      http_req_duration: ['p(99)<900', { threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '5s' }],
      http_req_failed: [{ threshold: 'rate<0.1' }],
      maxErrorRatePercent: { limit: 5, abortOnFail: true },
      maxP99Ms: 300,
    })
    expect(parsed.map(({ expression, abortOnFail }) => [expression, abortOnFail])).toEqual([
      ['http_req_duration: p(99)<900', undefined],
      ['http_req_duration: p(95)<200', { delayMs: 5000 }],
      ['http_req_failed: rate<0.1', undefined],
      ['maxErrorRatePercent: 5', { delayMs: 0 }],
      ['maxP99Ms: 300', undefined],
    ])
  })

  it.each([
    [{ http_req_duration: [{ threshold: 'p(95)<200', abortOnFail: 'yes' }] }, '`abortOnFail`'],
    [{ http_req_duration: [{ threshold: 'p(95)<200', abortonfail: true }] }, 'Unknown key `abortonfail`'],
    [{ maxP95Ms: { limit: 200, abortOnFail: true, delayAbortEval: 'soon' } }, 'delayAbortEval'],
    [{ maxP95Ms: { abortOnFail: true } }, '`maxP95Ms` must be a non-negative number'],
  ])('refuses %j', (thresholds, message) => {
    let error: unknown
    try {
      parseThresholds(thresholds as never)
    } catch (thrown) {
      error = thrown
    }
    expect(isPerfError(error)).toBe(true)
    expect((error as Error).message).toContain(message)
  })

  it('refuses a stat the live view of a run does not have', () => {
    const parsed = parseThresholds({ http_req_duration: [{ threshold: 'avg<200', abortOnFail: true }] })
    expect(() => abortingThresholds(parsed)).toThrow(/cannot watch 'http_req_duration: avg<200'/)
  })

  it('finds the first breached threshold past its delay', () => {
    const aborting = abortingThresholds(
      parseThresholds({
        http_req_duration: [{ threshold: 'p(95)<50', abortOnFail: true, delayAbortEval: '3s' }],
        http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true }],
      }),
    )
    expect(findBreach(aborting, progress({ p95: 80 }))).toBeUndefined()
    expect(findBreach(aborting, progress({ p95: 80, elapsedMs: 3000 }))?.expression).toBe(
      'http_req_duration: p(95)<50',
    )
    expect(findBreach(aborting, progress({ errorRatePercent: 10 }))?.expression).toBe(
      'http_req_failed: rate<0.05',
    )
    expect(findBreach(aborting, progress({ errorRatePercent: 10, requests: 0 }))).toBeUndefined()
  })
})
