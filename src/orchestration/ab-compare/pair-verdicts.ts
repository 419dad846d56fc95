import { DEFAULT_CONFIDENCE, estimateChange } from '../../metrics/change-interval.ts'
import { lookConfidence, nextDecision } from '../../metrics/change-sampling.ts'
import { type ChangeVerdict, judgeChange, type VerdictRule } from '../../metrics/change-verdict.ts'
import { describeFailures, type RoundRun, type RoundRuns } from './round-samples.ts'
import {
  type CompareSampling,
  GATED_METRICS,
  type GatedMetric,
  METRIC_SPECS,
  type MetricComparison,
  type RunComparison,
  type RunIdentity,
} from './types.ts'

/** One round pair: each side's runs, or undefined when that side's round gave no report. */
export interface RoundPair {
  base: RoundRuns | undefined
  head: RoundRuns | undefined
}

/** A metric's verdict, frozen when a look decided it. */
interface Decision {
  verdict: ChangeVerdict
  estimate: MetricComparison['estimate']
  pairs: number
}

/**
 * The verdicts of every gated metric of every run found on both sides, as round pairs arrive. Fixed
 * sampling judges once, at the end, at 95%; sequential sampling looks after each pair as `nextDecision`
 * allows and freezes a metric's verdict at the look that decides it.
 */
export class PairVerdicts {
  readonly pairs: RoundPair[] = []
  private readonly decisions = new Map<string, Decision>()
  private readonly sampling: CompareSampling
  private readonly tolerances: Record<GatedMetric, number>

  constructor(sampling: CompareSampling, tolerances: Record<GatedMetric, number>) {
    this.sampling = sampling
    this.tolerances = tolerances
  }

  /** The confidence every interval is made at: the guarded per-look one when sampling sequentially. */
  get intervalConfidence(): number {
    return this.sampling.mode === 'sequential' ? lookConfidence(this.sampling.budget) : DEFAULT_CONFIDENCE
  }

  /** Adds a round pair; when sequential, looks where the budget allows. */
  add(pair: RoundPair): void {
    this.pairs.push(pair)
    if (this.sampling.mode !== 'sequential') return
    for (const { key, metric } of this.gatedMetrics()) {
      const id = `${key}|${metric}`
      if (this.decisions.has(id)) continue
      const estimate = this.estimate(key, metric)
      const decision = nextDecision(estimate, this.sampling.budget, this.ruleOf(metric))
      if (decision.action === 'stop') {
        this.decisions.set(id, {
          verdict: { verdict: decision.verdict, reason: decision.reason },
          estimate,
          pairs: estimate.samples.head,
        })
      }
    }
  }

  /** Metrics still undecided (sequential), and how many are gated at all. */
  openCount(): { open: number; gated: number } {
    const gated = this.gatedMetrics()
    const open = gated.filter(({ key, metric }) => !this.decisions.has(`${key}|${metric}`)).length
    return { open, gated: gated.length }
  }

  /** Runs seen on both sides so far. */
  matchedCount(): number {
    return this.matchedKeys().length
  }

  /**
   * Every matched run's metrics with their verdicts; a metric no look decided is judged now on all pairs,
   * `why` telling why sampling stopped before it was decided.
   */
  results(why: string | undefined): {
    runs: RunComparison[]
    onlyInBase: RunIdentity[]
    onlyInHead: RunIdentity[]
  } {
    const runs = this.matchedKeys().map((key) => this.compareRun(key, why))
    const base = this.identities('base')
    const head = this.identities('head')
    return {
      runs,
      onlyInBase: [...base].filter(([key]) => !head.has(key)).map(([, identity]) => identity),
      onlyInHead: [...head].filter(([key]) => !base.has(key)).map(([, identity]) => identity),
    }
  }

  private compareRun(key: string, why: string | undefined): RunComparison {
    const base = this.series(key, 'base')
    const head = this.series(key, 'head')
    const identity = (base.find((run) => run !== undefined) ?? head.find((run) => run !== undefined))!
      .identity
    const metrics = GATED_METRICS.filter((metric) => this.isGated(key, metric)).map((metric) =>
      this.compareMetric(key, metric, why),
    )
    const notes = [
      describeFailures(
        'base',
        base.map((run) => run?.errorRatePercent),
      ),
      describeFailures(
        'head',
        head.map((run) => run?.errorRatePercent),
      ),
    ].filter((note): note is string => note !== undefined)
    const missing = this.pairs.filter(
      (_, index) => base[index] === undefined || head[index] === undefined,
    ).length
    if (missing > 0) notes.push(`missing on one side in ${missing} of ${this.pairs.length} round pairs`)
    return { ...identity, metrics, notes }
  }

  private compareMetric(key: string, metric: GatedMetric, why: string | undefined): MetricComparison {
    const spec = METRIC_SPECS[metric]
    const base = this.series(key, 'base').map((run) => run?.values[metric] ?? null)
    const head = this.series(key, 'head').map((run) => run?.values[metric] ?? null)
    const used = usablePairs(base, head)
    const decided = this.decisions.get(`${key}|${metric}`)
    let estimate = decided?.estimate
    let verdict = decided?.verdict
    let pairs = decided?.pairs ?? used.base.length
    if (estimate === undefined || verdict === undefined) {
      estimate = this.estimate(key, metric)
      verdict = judgeChange(estimate, this.ruleOf(metric))
      if (why !== undefined && verdict.verdict === 'inconclusive') {
        verdict = { ...verdict, reason: `${verdict.reason}; ${why}` }
      }
      pairs = estimate.samples.head
    }
    const counted = { base: used.base.slice(0, pairs), head: used.head.slice(0, pairs) }
    return {
      metric,
      unit: spec.unit,
      better: spec.better,
      tolerancePercent: this.tolerances[metric],
      base,
      head,
      baseValue: geometricMean(counted.base),
      headValue: geometricMean(counted.head),
      estimate,
      verdict: verdict.verdict,
      reason: verdict.reason,
      pairs,
    }
  }

  private estimate(key: string, metric: GatedMetric) {
    const base = this.series(key, 'base').map((run) => run?.values[metric] ?? null)
    const head = this.series(key, 'head').map((run) => run?.values[metric] ?? null)
    const used = usablePairs(base, head)
    return estimateChange(used.base, used.head, { method: 'paired', confidence: this.intervalConfidence })
  }

  private ruleOf(metric: GatedMetric): VerdictRule {
    return { tolerancePercent: this.tolerances[metric], better: METRIC_SPECS[metric].better }
  }

  private series(key: string, side: 'base' | 'head'): (RoundRun | undefined)[] {
    return this.pairs.map((pair) => pair[side]?.get(key))
  }

  private identities(side: 'base' | 'head'): Map<string, RunIdentity> {
    const found = new Map<string, RunIdentity>()
    for (const pair of this.pairs) {
      for (const [key, run] of pair[side] ?? []) if (!found.has(key)) found.set(key, run.identity)
    }
    return found
  }

  private matchedKeys(): string[] {
    const head = this.identities('head')
    return [...this.identities('base').keys()].filter((key) => head.has(key))
  }

  // A metric is gated when both sides measured it at least once (app CPU only where it was measured).
  private isGated(key: string, metric: GatedMetric): boolean {
    const has = (side: 'base' | 'head') =>
      this.series(key, side).some((run) => run?.values[metric] !== undefined)
    return has('base') && has('head')
  }

  private gatedMetrics(): { key: string; metric: GatedMetric }[] {
    return this.matchedKeys().flatMap((key) =>
      GATED_METRICS.filter((metric) => this.isGated(key, metric)).map((metric) => ({ key, metric })),
    )
  }
}

/** The pairs where both sides have a value, in order. */
function usablePairs(
  base: readonly (number | null)[],
  head: readonly (number | null)[],
): { base: number[]; head: number[] } {
  const used = { base: [] as number[], head: [] as number[] }
  base.forEach((value, index) => {
    const other = head[index]
    if (value === null || other === null || other === undefined) return
    used.base.push(value)
    used.head.push(other)
  })
  return used
}

function geometricMean(values: readonly number[]): number | null {
  if (values.length === 0 || values.some((value) => !(value > 0))) return null
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length)
}
