import { describe, expect, it } from 'vitest'
import { k6DeadlineMs } from '../../../src/adapters/k6.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'

const url = 'http://127.0.0.1:9/'

describe('k6DeadlineMs', () => {
  it('adds the request timeout k6 lets requests in flight run past the duration (gracefulStop)', () => {
    const options = resolveLoadOptions({ url, duration: 10, timeout: 2 })
    expect(k6DeadlineMs(options)).toBe(10_000 + 2_000 + 30_000)
  })

  it("adds k6's 30 s gracefulStop at most, and all of it for a user script", () => {
    expect(k6DeadlineMs(resolveLoadOptions({ url, duration: 10, timeout: 120 }))).toBe(
      10_000 + 30_000 + 30_000,
    )
    expect(k6DeadlineMs(resolveLoadOptions({ url, duration: 10, timeout: 1, script: 'user.js' }))).toBe(
      10_000 + 30_000 + 30_000,
    )
  })
})
