import { describe, expect, it } from 'vitest'
import {
  backoffMs,
  FIRST_BACKOFF_MS,
  isRefused,
  MAX_BACKOFF_MS,
  refusedWarning,
} from '../../../../src/engine/transports/backoff.ts'

describe('back-off after refused connections', () => {
  it('doubles from the first wait up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(backoffMs)).toEqual([5, 10, 20, 40, 80, 100, 100])
    expect(backoffMs(1)).toBe(FIRST_BACKOFF_MS)
    expect(backoffMs(1000)).toBe(MAX_BACKOFF_MS)
  })

  it("tells a refusal through undici's and Node's cause chain", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(isRefused(refused)).toBe(true)
    expect(isRefused(new Error('wrapped', { cause: refused }))).toBe(true)
    expect(isRefused(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false)
  })

  it('warns only when connections were refused', () => {
    expect(refusedWarning({ errorsByType: {} })).toBeUndefined()
    const warning = refusedWarning({
      errorsByType: { connection_refused: { count: 42, sampleMessages: [] } },
    })
    expect(warning).toMatch(/^42 connection attempts were refused; each user backed off/)
  })
})
