import { InvalidOptionError } from '../foundation/errors.ts'
import { type ChangeResult, DEFAULT_CONFIDENCE } from './change-interval.ts'
import { type ChangeVerdictName, judgeChange, type VerdictRule } from './change-verdict.ts'

// Looking at an interval after every round and stopping at the first decided one is a test repeated
// K times: each look may err, and the chance that one of them does grows with K (on unchanged data, five
// looks at 95% each decided 14% of 1000 runs). The guards, all fixed before the first sample: no look
// before `minimumSamples`, looks only every `lookEverySamples`, a hard stop at `maximumSamples`; and each
// look made at a Bonferroni-raised confidence (1 − α/K over the K looks the budget allows), so the chance
// that any look errs stays at most α (3.8% of the same runs).

/** When to look at the interval and when to give up, fixed before sampling starts. */
export interface SamplingBudget {
  /** Samples (round pairs; this run's windows for Welch) before the first look; 2 or more. */
  minimumSamples: number
  /** The last look: stop here, decided or not. */
  maximumSamples: number
  /** Look at every this many samples after the first look; fewer looks cost less confidence. @default 1 */
  lookEverySamples?: number
  /** The confidence of the whole sequence of looks. @default 0.95 */
  confidence?: number
}

/** Provisional until the bench has measured: 4 round pairs (the feasibility check's), looks at 4, 6, … 12. */
export const PROVISIONAL_SAMPLING_BUDGET = {
  minimumSamples: 4,
  maximumSamples: 12,
  lookEverySamples: 2,
  confidence: DEFAULT_CONFIDENCE,
} as const satisfies SamplingBudget

export type SamplingDecision =
  | { action: 'sample'; reason: string }
  | { action: 'stop'; verdict: ChangeVerdictName; reason: string }

/** How many looks the budget allows: at the minimum, every `lookEverySamples`, and at the maximum. */
export function lookCount(budget: SamplingBudget): number {
  const { minimumSamples, maximumSamples, lookEverySamples } = checkBudget(budget)
  const span = maximumSamples - minimumSamples
  return Math.floor(span / lookEverySamples) + 1 + (span % lookEverySamples === 0 ? 0 : 1)
}

/** The confidence each look's estimate must be made at so that all looks together keep the budget's. */
export function lookConfidence(budget: SamplingBudget): number {
  const alpha = 1 - checkBudget(budget).confidence
  return 1 - alpha / lookCount(budget)
}

/**
 * Whether to sample another round or stop, tachometer's auto-sample with fixed guards. The estimate
 * must be made at {@link lookConfidence} over all samples so far (its `samples.head` are counted: pairs,
 * or this run's windows against a fixed baseline). Between looks and before the minimum: sample. At a
 * look: stop when the verdict is decided; at the maximum: stop, inconclusive if still undecided. An
 * insufficient estimate at a look stops inconclusive: more rounds do not repair a zero or a NaN.
 */
export function nextDecision(
  estimate: ChangeResult,
  budget: SamplingBudget,
  rule: VerdictRule,
): SamplingDecision {
  const { minimumSamples, maximumSamples, lookEverySamples } = checkBudget(budget)
  const required = lookConfidence(budget)
  // A float off in the last digits is the same confidence; a 95% estimate at a 99% look is not.
  if (estimate.confidence < required - 1e-9) {
    throw new InvalidOptionError(
      'confidence',
      `A look needs its estimate at ${required} confidence (Bonferroni over ${lookCount(budget)} looks), got ${estimate.confidence}`,
    )
  }
  const taken = estimate.samples.head
  if (taken < minimumSamples) {
    return { action: 'sample', reason: `${taken} of ${minimumSamples} samples before the first look` }
  }
  const last = taken >= maximumSamples
  if (!last && (taken - minimumSamples) % lookEverySamples !== 0) {
    return { action: 'sample', reason: `${taken} samples: no look until the next ${lookEverySamples}` }
  }
  const { verdict, reason } = judgeChange(estimate, rule)
  if (verdict !== 'inconclusive') return { action: 'stop', verdict, reason }
  if (estimate.state === 'insufficient') return { action: 'stop', verdict, reason }
  if (last)
    return { action: 'stop', verdict, reason: `${reason}; the budget of ${maximumSamples} samples is spent` }
  return { action: 'sample', reason }
}

function checkBudget(budget: SamplingBudget): Required<SamplingBudget> {
  const { minimumSamples, maximumSamples, lookEverySamples = 1, confidence = DEFAULT_CONFIDENCE } = budget
  if (!Number.isInteger(minimumSamples) || minimumSamples < 2) {
    throw invalid('minimumSamples', 'an integer of at least 2', minimumSamples)
  }
  if (!Number.isInteger(maximumSamples) || maximumSamples < minimumSamples) {
    throw invalid(
      'maximumSamples',
      `an integer of at least minimumSamples (${minimumSamples})`,
      maximumSamples,
    )
  }
  if (!Number.isInteger(lookEverySamples) || lookEverySamples < 1) {
    throw invalid('lookEverySamples', 'a positive integer', lookEverySamples)
  }
  if (!(typeof confidence === 'number' && confidence > 0 && confidence < 1)) {
    throw invalid('confidence', 'a number above 0 and below 1 (0.95 for 95%)', confidence)
  }
  return { minimumSamples, maximumSamples, lookEverySamples, confidence }
}

function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(
    option,
    `Expected the \`${option}\` option to be ${expected}, got ${String(value)}`,
  )
}
