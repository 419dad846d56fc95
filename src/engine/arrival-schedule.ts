/** One piece of a piecewise-linear arrival rate, in requests per millisecond. */
interface Segment {
  startMs: number
  durationMs: number
  fromPerMs: number
  toPerMs: number
  /** Arrivals before this segment. */
  startCount: number
  /** Arrivals within it (fractional). */
  count: number
}

/** A rate stage in ms, as the load shape's `arrival.stages` has it. */
export interface RateStageMs {
  durationMs: number
  target: number
}

/**
 * When each request of an open-model run is due. Arrival `k` (0-based) is due at the time `t` where the
 * integral of the rate from 0 to `t` equals `k`: evenly spaced at a constant rate, and as the inverse of a
 * quadratic while a stage ramps. Pure arithmetic, no allocation per request.
 */
export class ArrivalSchedule {
  private readonly segments: Segment[] = []
  private cursor = 0

  /**
   * @param stages the rate over time; the last stage's target holds after the stages end
   * @param startRate the rate at time 0, ramped from towards the first stage's target
   */
  constructor(stages: readonly RateStageMs[], startRate = 0) {
    let startMs = 0
    let startCount = 0
    let from = startRate
    for (const { durationMs, target } of stages) {
      this.push(startMs, durationMs, from, target, startCount)
      startMs += durationMs
      startCount += ((from + target) / 2) * (durationMs / 1000)
      from = target
    }
    this.push(startMs, Number.POSITIVE_INFINITY, from, from, startCount)
  }

  /** A constant rate, optionally ramped from 0 over `rampUpMs`. */
  static constant(rate: number, rampUpMs = 0): ArrivalSchedule {
    return rampUpMs > 0
      ? new ArrivalSchedule([{ durationMs: rampUpMs, target: rate }])
      : new ArrivalSchedule([], rate)
  }

  /**
   * The time (ms since the start) at which arrival `k` is due; Infinity when the rate never gets there.
   * Calls must come with non-decreasing `k` (a cursor walks the segments).
   */
  timeOf(k: number): number {
    const segments = this.segments
    let segment = segments[this.cursor]!
    while (k >= segment.startCount + segment.count && this.cursor < segments.length - 1) {
      segment = segments[++this.cursor]!
    }
    const x = k - segment.startCount
    if (x >= segment.count) return Number.POSITIVE_INFINITY
    if (x <= 0) return segment.startMs
    // Solve a·τ² + r0·τ = x for τ with a = (r1 − r0) / 2d, in the form that stays stable when a → 0.
    const r0 = segment.fromPerMs
    const a = (segment.toPerMs - r0) / (2 * segment.durationMs)
    const discriminant = r0 * r0 + 4 * a * x
    const tau = (2 * x) / (r0 + Math.sqrt(Math.max(discriminant, 0)))
    return segment.startMs + tau
  }

  private push(startMs: number, durationMs: number, from: number, to: number, startCount: number): void {
    const fromPerMs = from / 1000
    const toPerMs = to / 1000
    const count =
      durationMs === Number.POSITIVE_INFINITY
        ? fromPerMs > 0
          ? Number.POSITIVE_INFINITY
          : 0
        : ((fromPerMs + toPerMs) / 2) * durationMs
    this.segments.push({ startMs, durationMs, fromPerMs, toPerMs, startCount, count })
  }
}
