import { describe, expect, it } from 'vitest'
import { isSaturated, MIN_JUDGED_MS } from '../../../../src/engine/monitor/generator.ts'

describe('isSaturated', () => {
  const busy = { utilization: 1, lagP99Ms: 0 }
  const lagging = { utilization: 0.1, lagP99Ms: 80 }
  const idle = { utilization: 0.2, lagP99Ms: 1 }

  it('judges a watch of at least MIN_JUDGED_MS by utilization and lag', () => {
    expect(isSaturated(busy, MIN_JUDGED_MS, false)).toBe(true)
    expect(isSaturated(lagging, 2000, false)).toBe(true)
    expect(isSaturated(idle, 2000, false)).toBe(false)
  })

  it('does not count a busy loop that busy-waits (the open model), only its lag', () => {
    expect(isSaturated(busy, 2000, true)).toBe(false)
    expect(isSaturated(lagging, 2000, true)).toBe(true)
  })

  it('gives no verdict on a shorter watch: a run of a few requests is start-up', () => {
    expect(isSaturated(busy, MIN_JUDGED_MS - 1, false)).toBe(false)
    expect(isSaturated(lagging, 10, false)).toBe(false)
  })
})
