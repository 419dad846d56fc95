import { describe, expect, it } from 'vitest'
import { assertK6Supports, k6DeadlineMs } from '../../../src/adapters/k6.ts'
import { K6_MAX_TAGGED_NAMES } from '../../../src/adapters/scripts/k6-journey-script.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
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

describe('assertK6Supports: journeys', () => {
  const steps = (count: number, name: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => ({ name: name(index), path: '/' }))
  const journey = (options: Omit<LoadTestOptions, 'url'>) => {
    const resolved = resolveLoadOptions({ url, duration: 1, ...options })
    return () => assertK6Supports(resolved)
  }

  it('refuses more endpoints and scenarios than k6 can report, before any load', () => {
    expect(journey({ steps: steps(K6_MAX_TAGGED_NAMES, (index) => `s${index}`) })).toThrow(
      expect.objectContaining({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option: 'steps', tool: 'k6' }),
    )
    const scenarios = Array.from({ length: 2 }, (_, at) => ({
      name: `sc${at}`,
      steps: steps(K6_MAX_TAGGED_NAMES / 2, (index) => `s${at}-${index}`),
    }))
    expect(journey({ scenarios })).toThrow(expect.objectContaining({ option: 'scenarios' }))
  })

  it('counts endpoints by name: 10,000 steps of one endpoint are one', () => {
    expect(journey({ steps: steps(10_000, () => 'same') })).not.toThrow()
    expect(journey({ steps: steps(K6_MAX_TAGGED_NAMES - 1, (index) => `s${index}`) })).not.toThrow()
  })
})
