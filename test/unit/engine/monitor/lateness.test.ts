import { describe, expect, it } from 'vitest'
import { latenessWarning, MIN_SENDS_JUDGED } from '../../../../src/engine/monitor/lateness.ts'

describe('latenessWarning', () => {
  const late = { p50: 0.05, p99: 12.5, max: 12.5 }

  it('calls the generator saturated when p99 lateness reaches 10 ms over enough sends', () => {
    expect(latenessWarning(late, 1, MIN_SENDS_JUDGED)?.saturated).toBe(true)
    expect(latenessWarning(late, 1, 10_000)?.message).toMatch(/could not keep the arrival rate/)
  })

  it('gives no saturation verdict on a few sends: their p99 is the one late start-up send', () => {
    expect(latenessWarning(late, 1, 2)).toBeUndefined()
    // Late enough at p50 to show in the numbers: said, but not called saturated.
    const visible = latenessWarning({ p50: 0.5, p99: 12.5, max: 12.5 }, 1, 2)
    expect(visible?.saturated).toBe(false)
    expect(visible?.message).toMatch(/sent requests late/)
    expect(visible?.message).not.toMatch(/could not keep/)
  })
})
