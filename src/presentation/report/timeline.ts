import type { TimelinePoint } from '../../foundation/model/index.ts'

/** Fewer points than this make no trend: a line through two seconds looks like one, so they are drawn apart. */
export const MIN_TREND_POINTS = 3

/** Points per time chart: enough to see a spike, few enough that 50 results stay well under 1 MB. */
export const MAX_POINTS = 100

/** A timeline thinned for a chart: per-second rates averaged, latency percentiles the worst of each bucket. */
export interface ChartTimeline {
  /** Seconds since the start: the first second of each bucket. */
  second: number[]
  /** Requests per second. */
  rps: number[]
  /** Failed requests per second. */
  errorsPerSecond: number[]
  /** Null for a bucket without a completed request: no latency to show, rather than a fake 0. */
  p50: (number | null)[]
  p95: (number | null)[]
  p99: (number | null)[]
  /** The app's CPU (100 = one core), the mean of the bucket's seconds; null where it was not measured. */
  appCpuPercent: (number | null)[]
  /** Seconds per point: 1 unless the run was longer than `maxPoints` seconds. */
  bucketSeconds: number
}

interface Span {
  point: TimelinePoint
  /** Seconds of the run this point covers: 1, less for a last second cut short. */
  seconds: number
}

function merge(a: TimelinePoint, b: TimelinePoint): TimelinePoint {
  const worst = (pick: (point: TimelinePoint) => number) =>
    Math.max(...[a, b].filter((point) => point.requests > 0).map(pick), 0)
  return {
    ...a,
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    p50: worst((point) => point.p50),
    p95: worst((point) => point.p95),
    p99: worst((point) => point.p99),
  }
}

// The last second of a run is cut short: counted as a whole second, its few requests read as a collapse
// of throughput. A sliver (under half a second) joins the second before; a longer part counts as what it is.
function toSpans(timeline: readonly TimelinePoint[], durationMs: number | undefined): Span[] {
  const spans = timeline.map((point) => ({ point, seconds: 1 }))
  const last = spans.at(-1)
  if (durationMs === undefined || last === undefined) return spans
  const covered = Math.min(1, Math.max(0, durationMs / 1000 - last.point.second))
  const previous = spans.at(-2)
  if (covered < 0.5 && previous !== undefined) {
    spans.pop()
    previous.point = merge(previous.point, last.point)
    previous.seconds += covered
  } else {
    last.seconds = Math.max(covered, 0.001)
  }
  return spans
}

/**
 * At most `maxPoints` points, so a long soak keeps the report small: each point covers `bucketSeconds`
 * seconds, with the mean rate and the highest percentiles of its seconds (a spike must stay visible).
 * With the run's `durationMs`, a last second cut short is weighed by what it covered.
 */
export function bucketTimeline(
  timeline: readonly TimelinePoint[],
  options: { durationMs?: number; maxPoints?: number; bucketSeconds?: number } = {},
): ChartTimeline {
  const spans = toSpans(timeline, options.durationMs)
  const size =
    options.bucketSeconds ?? Math.max(1, Math.ceil(spans.length / (options.maxPoints ?? MAX_POINTS)))
  const out: ChartTimeline = {
    second: [],
    rps: [],
    errorsPerSecond: [],
    p50: [],
    p95: [],
    p99: [],
    appCpuPercent: [],
    bucketSeconds: size,
  }
  for (let start = 0; start < spans.length; start += size) {
    const bucket = spans.slice(start, start + size)
    const seconds = bucket.reduce((sum, span) => sum + span.seconds, 0)
    const rate = (pick: (point: TimelinePoint) => number) =>
      bucket.reduce((sum, span) => sum + pick(span.point), 0) / seconds
    const answered = bucket.filter((span) => span.point.requests > 0)
    const worst = (pick: (point: TimelinePoint) => number) =>
      answered.length === 0 ? null : Math.max(...answered.map((span) => pick(span.point)))
    out.second.push(bucket[0]!.point.second)
    out.rps.push(rate((point) => point.requests))
    out.errorsPerSecond.push(rate((point) => point.errors))
    out.p50.push(worst((point) => point.p50))
    out.p95.push(worst((point) => point.p95))
    out.p99.push(worst((point) => point.p99))
    const app = bucket.flatMap((span) => span.point.appCpuPercent ?? [])
    out.appCpuPercent.push(app.length === 0 ? null : app.reduce((sum, cpu) => sum + cpu, 0) / app.length)
  }
  return out
}
