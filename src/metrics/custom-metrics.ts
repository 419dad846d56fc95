import type { CustomMetric, TrendStats } from '../foundation/model/index.ts'
import type { CustomMetricRecorder, CustomMetricType } from '../foundation/types.ts'
import { setOwn } from '../foundation/util/own-keys.ts'

/** The most values a trend keeps for its percentiles; its count, min, max and mean stay exact past it. */
export const MAX_TREND_VALUES = 1_000_000

/** Names the built-in metrics have: a custom metric cannot take one (its thresholds would read the other). */
export const BUILT_IN_METRICS: ReadonlySet<string> = new Set([
  'http_req_duration',
  'http_req_failed',
  'http_reqs',
  'checks',
  'group_duration',
  'iteration_duration',
  'iterations',
  'data_received',
  'data_sent',
  'vus',
  'vus_max',
])

/** A custom metric's name: what a threshold key can name (k6's metric names). */
export const CUSTOM_METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Why `name` cannot be a custom metric's name, or undefined when it can. */
export function customMetricNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !CUSTOM_METRIC_NAME.test(name))
    return `a name of letters, digits and _ (not starting with a digit), got ${JSON.stringify(name)}`
  if (BUILT_IN_METRICS.has(name)) return `a name no built-in metric has, not '${name}'`
  return undefined
}

function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`metric '${name}': add() takes a finite number, got ${String(value)}`)
  return value
}

/** One custom metric of a run, as its values come. */
export abstract class CustomRecorder implements CustomMetricRecorder {
  abstract readonly type: CustomMetricType
  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  abstract add(value: number | boolean): void
  /** Its result; `durationMs` is the run's (a counter's rate). */
  abstract result(durationMs: number): CustomMetric
  /** What it recorded, to merge exactly into another thread's metric of its name and type. */
  abstract snapshot(): CustomSnapshot
  /** Adds another thread's snapshot of a metric of its name and type. */
  abstract merge(snapshot: CustomSnapshot): void
}

/**
 * A custom metric as it crosses threads (structured clone) and merges exactly: a trend's kept values (for
 * exact percentiles), a counter's sum, a rate's passes and fails, a gauge's last value with when it was
 * added (ms since the epoch: threads have clocks of their own origin) and its extremes.
 */
export type CustomSnapshot = { name: string } & (
  | { type: 'trend'; values: Float64Array; count: number; sum: number; min: number; max: number }
  | { type: 'counter'; sum: number }
  | { type: 'rate'; passes: number; fails: number }
  | { type: 'gauge'; value: number; at: number; min: number; max: number }
)

type SnapshotOf<T extends CustomMetricType> = Extract<CustomSnapshot, { type: T }>

class TrendRecorder extends CustomRecorder {
  readonly type = 'trend'
  private readonly values: number[] = []
  private count = 0
  private sum = 0
  private min = Number.POSITIVE_INFINITY
  private max = Number.NEGATIVE_INFINITY

  add(value: number | boolean): void {
    const number = finite(this.name, value)
    this.count++
    this.sum += number
    if (number < this.min) this.min = number
    if (number > this.max) this.max = number
    if (this.values.length < MAX_TREND_VALUES) this.values.push(number)
  }

  result(): CustomMetric {
    return { type: 'trend', ...trendStats(this.values, this.count, this.sum, this.min, this.max) }
  }

  snapshot(): SnapshotOf<'trend'> {
    const { name, count, sum, min, max } = this
    return { name, type: 'trend', values: Float64Array.from(this.values), count, sum, min, max }
  }

  merge(snapshot: CustomSnapshot): void {
    const given = snapshot as SnapshotOf<'trend'>
    this.count += given.count
    this.sum += given.sum
    this.min = Math.min(this.min, given.min)
    this.max = Math.max(this.max, given.max)
    const room = MAX_TREND_VALUES - this.values.length
    for (let index = 0; index < Math.min(room, given.values.length); index++)
      this.values.push(given.values[index]!)
  }
}

/** Exact percentiles of the kept values (nearest rank), with the exact count, mean and extremes. */
function trendStats(values: number[], count: number, sum: number, min: number, max: number): TrendStats {
  if (count === 0) return { count, min: 0, max: 0, mean: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0 }
  const sorted = Float64Array.from(values).sort()
  const at = (percent: number) => sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]!
  return {
    count,
    min,
    max,
    mean: sum / count,
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
  }
}

class CounterRecorder extends CustomRecorder {
  readonly type = 'counter'
  private sum = 0

  add(value: number | boolean): void {
    this.sum += finite(this.name, value)
  }

  result(durationMs: number): CustomMetric {
    return { type: 'counter', count: this.sum, rate: durationMs > 0 ? this.sum / (durationMs / 1000) : 0 }
  }

  snapshot(): SnapshotOf<'counter'> {
    return { name: this.name, type: 'counter', sum: this.sum }
  }

  merge(snapshot: CustomSnapshot): void {
    this.sum += (snapshot as SnapshotOf<'counter'>).sum
  }
}

class RateRecorder extends CustomRecorder {
  readonly type = 'rate'
  private passes = 0
  private fails = 0

  add(value: number | boolean): void {
    const truthy = typeof value === 'boolean' ? value : finite(this.name, value) !== 0
    if (truthy) this.passes++
    else this.fails++
  }

  result(): CustomMetric {
    const total = this.passes + this.fails
    return {
      type: 'rate',
      rate: total === 0 ? 0 : this.passes / total,
      passes: this.passes,
      fails: this.fails,
    }
  }

  snapshot(): SnapshotOf<'rate'> {
    return { name: this.name, type: 'rate', passes: this.passes, fails: this.fails }
  }

  merge(snapshot: CustomSnapshot): void {
    const given = snapshot as SnapshotOf<'rate'>
    this.passes += given.passes
    this.fails += given.fails
  }
}

class GaugeRecorder extends CustomRecorder {
  readonly type = 'gauge'
  private value = 0
  /** When the last value was added, ms since the epoch: the latest one wins across threads. */
  private at = Number.NEGATIVE_INFINITY
  private min = Number.POSITIVE_INFINITY
  private max = Number.NEGATIVE_INFINITY

  add(value: number | boolean): void {
    const number = finite(this.name, value)
    this.value = number
    this.at = performance.timeOrigin + performance.now()
    if (number < this.min) this.min = number
    if (number > this.max) this.max = number
  }

  result(): CustomMetric {
    const seen = this.min !== Number.POSITIVE_INFINITY
    return { type: 'gauge', value: this.value, min: seen ? this.min : 0, max: seen ? this.max : 0 }
  }

  snapshot(): SnapshotOf<'gauge'> {
    const { name, value, at, min, max } = this
    return { name, type: 'gauge', value, at, min, max }
  }

  merge(snapshot: CustomSnapshot): void {
    const given = snapshot as SnapshotOf<'gauge'>
    if (given.at > this.at) {
      this.value = given.value
      this.at = given.at
    }
    this.min = Math.min(this.min, given.min)
    this.max = Math.max(this.max, given.max)
  }
}

const RECORDERS = {
  trend: TrendRecorder,
  counter: CounterRecorder,
  rate: RateRecorder,
  gauge: GaugeRecorder,
} as const satisfies Record<CustomMetricType, new (name: string) => CustomRecorder>

/** The custom metrics of a run, made as the code names them; one name has one type. */
export class CustomMetrics {
  private readonly recorders = new Map<string, CustomRecorder>()

  /** The recorder of `name`; throws (an Error the iteration fails with) for a bad name or another type. */
  get(name: string, type: CustomMetricType): CustomRecorder {
    const known = this.recorders.get(name)
    if (known !== undefined) {
      if (known.type !== type)
        throw new Error(`metric '${name}' is a ${known.type}, not a ${String(type)}: a name has one type`)
      return known
    }
    const problem = customMetricNameProblem(name)
    if (problem !== undefined) throw new Error(`vu.metric: expected ${problem}`)
    if (!Object.hasOwn(RECORDERS, type))
      throw new Error(
        `vu.metric('${name}'): the type is 'trend', 'counter', 'rate' or 'gauge', not ${String(type)}`,
      )
    const made = new RECORDERS[type](name)
    this.recorders.set(name, made)
    return made
  }

  /** What every metric recorded, to merge in another thread (a worker's, into the parent's). */
  snapshot(): CustomSnapshot[] {
    return [...this.recorders.values()].map((recorder) => recorder.snapshot())
  }

  /**
   * Adds another thread's metrics. A name one thread gave another type than this one already has (each
   * thread only knows its own first use) keeps the type it had first; the other's values are dropped.
   */
  merge(snapshots: readonly CustomSnapshot[]): void {
    for (const snapshot of snapshots) {
      const known = this.recorders.get(snapshot.name)
      if (known !== undefined && known.type !== snapshot.type) continue
      this.get(snapshot.name, snapshot.type).merge(snapshot)
    }
  }

  /** Every metric's result, by name; undefined when none was named. */
  results(durationMs: number): Record<string, CustomMetric> | undefined {
    if (this.recorders.size === 0) return undefined
    const results: Record<string, CustomMetric> = {}
    for (const [name, recorder] of this.recorders) setOwn(results, name, recorder.result(durationMs))
    return results
  }
}
