import type { MachineInfo } from '../../foundation/model/index.ts'
import type { ChangeResult } from '../../metrics/change-interval.ts'
import type { SamplingBudget } from '../../metrics/change-sampling.ts'
import type { ChangeVerdictName } from '../../metrics/change-verdict.ts'

/** The metrics a comparison gates on: the app's CPU per request (when measured), p95 and rps. */
export type GatedMetric = 'cpuPerRequest' | 'p95' | 'rps'

export const GATED_METRICS: readonly GatedMetric[] = ['cpuPerRequest', 'p95', 'rps']

/** How a gated metric reads: its unit, and which way is better. */
export interface GatedMetricSpec {
  metric: GatedMetric
  /** The name people read: `app CPU/req`, `p95`, `rps`. */
  label: string
  unit: 'µs' | 'ms' | 'req/s'
  better: 'lower' | 'higher'
}

export const METRIC_SPECS: Record<GatedMetric, GatedMetricSpec> = {
  cpuPerRequest: { metric: 'cpuPerRequest', label: 'app CPU/req', unit: 'µs', better: 'lower' },
  p95: { metric: 'p95', label: 'p95', unit: 'ms', better: 'lower' },
  rps: { metric: 'rps', label: 'rps', unit: 'req/s', better: 'higher' },
}

/** Which run a sample belongs to: the same on both sides, or the run is one-sided. */
export interface RunIdentity {
  /** The spec file, relative to the project folder (the same in both trees). */
  file: string
  /** The test's full name, as the reporter writes it. */
  test: string
  /** The run's name (`loadTest`'s `name`, the URL's path by default; a comparison's configuration). */
  run: string
  /** A journey's endpoint (step name); absent for the whole run. */
  endpoint?: string
}

/** The test runner the rounds run: the project's own. */
export type CompareRunner = 'vitest' | 'jest'

/** How many round pairs, and when to stop. */
export type CompareSampling =
  /** Exactly this many round pairs; one look at the end, at the `confidence` of the interval. */
  | { mode: 'fixed'; pairs: number }
  /**
   * Round pairs until every gated metric is decided, under the guarded looks of `nextDecision`, or until
   * `timeBudgetMs` leaves no room for another pair (then one last look at the same guarded confidence).
   */
  | { mode: 'sequential'; budget: SamplingBudget; timeBudgetMs?: number }

/** The verdict of one metric of one run, with its samples: what every report shows. */
export interface MetricComparison {
  metric: GatedMetric
  unit: GatedMetricSpec['unit']
  better: GatedMetricSpec['better']
  tolerancePercent: number
  /** One value per round pair (null: the run gave no value that round); `base[i]`, `head[i]` are pair i. */
  base: (number | null)[]
  head: (number | null)[]
  /** Geometric means over the pairs the estimate used; null without any. */
  baseValue: number | null
  headValue: number | null
  estimate: ChangeResult
  verdict: ChangeVerdictName
  /** One line: the estimate and what decided it. */
  reason: string
  /** How many pairs the verdict was made on (a sequential look may decide before the last pair). */
  pairs: number
}

/** A run (or a journey endpoint) found on both sides, with its gated metrics. */
export interface RunComparison extends RunIdentity {
  metrics: MetricComparison[]
  /** What the numbers alone don't say: failed requests, rounds the run was missing from. */
  notes: string[]
}

/** The content of `perfspec-compare.json`. Plain and JSON-safe. */
export interface AbCompareReport {
  version: 1
  generatedAt: string
  machine: MachineInfo
  runner: CompareRunner
  /** The runner's arguments each round: the selected files, then what followed `--`. */
  runnerArgs: string[]
  base: { ref: string; commit: string }
  /** The working tree: its HEAD commit, and whether uncommitted changes were measured with it. */
  head: { commit: string; uncommittedChanges: boolean }
  sampling: {
    mode: CompareSampling['mode']
    /** Round pairs run. */
    pairs: number
    /** A (base) and B (head) in the order they ran: `AB BA AB BA`. */
    order: string
    /** Why sampling stopped. */
    stopReason: string
    /** The confidence of the intervals: 0.95, or the guarded per-look confidence of sequential sampling. */
    intervalConfidence: number
    budget?: SamplingBudget
    timeBudgetMs?: number
  }
  tolerances: Record<GatedMetric, number>
  durationMs: number
  runs: RunComparison[]
  /** Runs found on one side only: listed, never paired by guess. */
  onlyInBase: RunIdentity[]
  onlyInHead: RunIdentity[]
  /** How many metric verdicts of each kind. */
  summary: Record<ChangeVerdictName, number>
  /** How the trees were set up, and anything that went wrong in a round. */
  notes: string[]
}
