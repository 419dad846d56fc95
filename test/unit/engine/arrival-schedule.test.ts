import { describe, expect, it } from 'vitest'
import { ArrivalSchedule } from '../../../src/engine/arrival-schedule.ts'

function times(schedule: ArrivalSchedule, count: number): number[] {
  return Array.from({ length: count }, (_, k) => schedule.timeOf(k))
}

describe('ArrivalSchedule', () => {
  it('spaces arrivals evenly at a constant rate, the first at 0', () => {
    expect(times(ArrivalSchedule.constant(1000), 4)).toEqual([0, 1, 2, 3])
    expect(ArrivalSchedule.constant(4).timeOf(3)).toBe(750)
  })

  it('ramps from 0 as the inverse of the integral: 0 → 200 req/s over 1 s is N(t) = 100 t²', () => {
    const schedule = new ArrivalSchedule([{ durationMs: 1000, target: 200 }])
    expect(schedule.timeOf(0)).toBe(0)
    expect(schedule.timeOf(25)).toBeCloseTo(500, 9)
    expect(schedule.timeOf(64)).toBeCloseTo(800, 9)
    // After the stages the last target holds: 200 req/s from t = 1 s (arrival 100).
    expect(schedule.timeOf(100)).toBeCloseTo(1000, 9)
    expect(schedule.timeOf(120)).toBeCloseTo(1100, 9)
  })

  it('ramps a rate up from `rampUpMs` then holds it', () => {
    const schedule = ArrivalSchedule.constant(100, 2000)
    // 100 arrivals during the ramp (the triangle), then one every 10 ms.
    expect(schedule.timeOf(100)).toBeCloseTo(2000, 9)
    expect(schedule.timeOf(110)).toBeCloseTo(2100, 9)
  })

  it('ramps down and across stages without gaps', () => {
    const stages = [
      { durationMs: 1000, target: 100 },
      { durationMs: 1000, target: 100 },
      { durationMs: 1000, target: 0 },
    ]
    const all = times(new ArrivalSchedule(stages), 200)
    for (let k = 1; k < all.length; k++) expect(all[k]!).toBeGreaterThan(all[k - 1]!)
    // Calls walk forwards (a cursor follows the stages): a fresh schedule for the spot checks.
    const schedule = new ArrivalSchedule(stages)
    expect(schedule.timeOf(50)).toBeCloseTo(1000, 9)
    expect(schedule.timeOf(150)).toBeCloseTo(2000, 9)
    // The last stage ramps 100 → 0: its 50 arrivals end at 3 s, and the rate stays 0 after.
    expect(schedule.timeOf(199)).toBeLessThan(3000)
    expect(schedule.timeOf(200)).toBe(Number.POSITIVE_INFINITY)
  })

  it('skips a stage at rate 0', () => {
    const schedule = new ArrivalSchedule([
      { durationMs: 500, target: 0 },
      { durationMs: 1000, target: 0 },
    ])
    expect(schedule.timeOf(0)).toBe(Number.POSITIVE_INFINITY)
    const held = new ArrivalSchedule([{ durationMs: 1000, target: 0 }], 10)
    // 10 → 0 over 1 s: 5 arrivals.
    expect(held.timeOf(4)).toBeLessThan(1000)
    expect(held.timeOf(5)).toBe(Number.POSITIVE_INFINITY)
  })
})
