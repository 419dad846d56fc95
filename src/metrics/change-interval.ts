import { InvalidOptionError } from '../foundation/errors.ts'
import { studentCritical } from './student-t.ts'

// Changes are estimated on the log scale: a ratio of positive measurements is what varies symmetrically
// (a round twice as slow and one half as slow cancel), and the back-transformed interval is a percent change.

/** One side's samples as a Welch interval needs them, on the log scale: what a baseline file can store. */
export interface LogSampleSummary {
  /** Mean of the natural logs of the samples. */
  meanLog: number
  /** Sample standard deviation (divisor n − 1) of those logs; 0 for fewer than two samples. */
  sdLog: number
  count: number
}

/** Samples of one side: the measured values, or their summary from a baseline file. */
export type LogSamples = readonly number[] | LogSampleSummary

/** `paired`: a t-interval over the log ratios of round pairs. `welch`: Welch's t-interval over two samples' logs. */
export type ChangeMethod = 'paired' | 'welch'

/** How many samples stand behind an estimate: pairs for `paired` (base = head), each side's for `welch`. */
export interface ChangeSampleCounts {
  base: number
  head: number
}

/** Head's change against base, in percent of base, with its confidence interval. Plain and JSON-safe. */
export interface ChangeEstimate {
  state: 'estimated'
  /** The change of the geometric means: +14 means head is 1.14 times base. */
  changePercent: number
  lowPercent: number
  highPercent: number
  /** The interval's confidence: 0.95 for 95%. */
  confidence: number
  samples: ChangeSampleCounts
  method: ChangeMethod
}

/** Why values cannot be estimated from (too few, a zero, a NaN); never a pass. */
export interface InsufficientSamples {
  state: 'insufficient'
  reason: string
}

/** No interval could be formed. A verdict on it is inconclusive: nothing passes vacuously. */
export interface InsufficientEstimate extends InsufficientSamples {
  confidence: number
  samples: ChangeSampleCounts
  method: ChangeMethod
}

export type ChangeResult = ChangeEstimate | InsufficientEstimate

export interface PairedChangeOptions {
  /** base[i] and head[i] were measured in the same round pair of an A/B run (A B, B A, …). */
  method: 'paired'
  /** The interval's confidence, above 0 and below 1. @default 0.95 */
  confidence?: number
}

export interface WelchChangeOptions {
  /** Independent samples: a committed baseline's windows against this run's. */
  method: 'welch'
  /** The interval's confidence, above 0 and below 1. @default 0.95 */
  confidence?: number
}

export const DEFAULT_CONFIDENCE = 0.95

/**
 * Head's change against base in percent, with a confidence interval: a t-interval on the log scale,
 * back-transformed (change = exp(mean) − 1, interval = exp(mean ± t·se) − 1).
 *
 * `paired` takes base[i] and head[i] from the same round pair and uses the log ratios log(head[i]/base[i]):
 * what the machine did to both halves of a pair cancels. `welch` compares two independent samples'
 * logs (difference of means, Welch–Satterthwaite degrees of freedom); either side may be a
 * {@link LogSampleSummary} instead of the values.
 *
 * Values that are measurements, not options: fewer than two usable samples (pairs), a value that is zero,
 * negative or not finite, or paired sides of different lengths give `state: 'insufficient'` with a
 * reason, not an error. Samples without spread (every ratio equal) give a zero-width interval: the data
 * show no variation to widen it. A bad `confidence` is an {@link InvalidOptionError}.
 */
export function estimateChange(
  base: readonly number[],
  head: readonly number[],
  options: PairedChangeOptions,
): ChangeResult
export function estimateChange(base: LogSamples, head: LogSamples, options: WelchChangeOptions): ChangeResult
export function estimateChange(
  base: LogSamples,
  head: LogSamples,
  options: PairedChangeOptions | WelchChangeOptions,
): ChangeResult {
  const confidence = requireConfidence(options.confidence ?? DEFAULT_CONFIDENCE)
  if (options.method === 'paired') {
    if (!isArray(base) || !isArray(head)) {
      throw new InvalidOptionError(
        'method',
        "A 'paired' change needs the samples of both sides, not summaries",
      )
    }
    return pairedChange(base, head, confidence)
  }
  if (options.method === 'welch') return welchChange(base, head, confidence)
  throw new InvalidOptionError(
    'method',
    `Expected the \`method\` option to be 'paired' or 'welch', got ${String((options as { method: unknown }).method)}`,
  )
}

/** The log-scale summary of positive samples, or why there is none (a zero, a negative, a NaN). */
export function summarizeLogSamples(values: readonly number[]): LogSampleSummary | InsufficientSamples {
  const unusable = firstUnusable(values, 'sample')
  if (unusable !== undefined) return { state: 'insufficient', reason: unusable }
  return summarize(values.map(Math.log))
}

function pairedChange(base: readonly number[], head: readonly number[], confidence: number): ChangeResult {
  const samples = { base: base.length, head: head.length }
  const insufficient = (reason: string): InsufficientEstimate => ({
    state: 'insufficient',
    reason,
    confidence,
    samples,
    method: 'paired',
  })
  if (base.length !== head.length) {
    return insufficient(
      `paired samples need as many head as base values: base has ${base.length}, head ${head.length}`,
    )
  }
  const unusable = firstUnusable(base, 'base sample') ?? firstUnusable(head, 'head sample')
  if (unusable !== undefined) return insufficient(unusable)
  if (base.length < 2) return insufficient(`an interval needs at least 2 pairs, got ${base.length}`)
  const ratios = summarize(base.map((value, index) => Math.log(head[index]!) - Math.log(value)))
  const standardError = ratios.sdLog / Math.sqrt(ratios.count)
  return interval(
    ratios.meanLog,
    standardError,
    ratios.count - 1,
    confidence,
    samples,
    'paired',
    insufficient,
  )
}

function welchChange(base: LogSamples, head: LogSamples, confidence: number): ChangeResult {
  const baseSummary = isArray(base) ? summarizeLogSamples(base) : checkSummary(base)
  const headSummary = isArray(head) ? summarizeLogSamples(head) : checkSummary(head)
  const samples = { base: countOf(base), head: countOf(head) }
  const insufficient = (reason: string): InsufficientEstimate => ({
    state: 'insufficient',
    reason,
    confidence,
    samples,
    method: 'welch',
  })
  if ('state' in baseSummary) return insufficient(`base ${baseSummary.reason}`)
  if ('state' in headSummary) return insufficient(`head ${headSummary.reason}`)
  for (const [side, summary] of [
    ['base', baseSummary],
    ['head', headSummary],
  ] as const) {
    if (summary.count < 2)
      return insufficient(`an interval needs at least 2 ${side} samples, got ${summary.count}`)
  }
  const baseVariance = baseSummary.sdLog ** 2 / baseSummary.count
  const headVariance = headSummary.sdLog ** 2 / headSummary.count
  const variance = baseVariance + headVariance
  // Welch–Satterthwaite; without spread on either side the width is 0 whatever t is, so any df will do.
  const df =
    variance === 0
      ? baseSummary.count + headSummary.count - 2
      : variance ** 2 /
        (baseVariance ** 2 / (baseSummary.count - 1) + headVariance ** 2 / (headSummary.count - 1))
  const difference = headSummary.meanLog - baseSummary.meanLog
  return interval(difference, Math.sqrt(variance), df, confidence, samples, 'welch', insufficient)
}

function interval(
  meanLog: number,
  standardError: number,
  df: number,
  confidence: number,
  samples: ChangeSampleCounts,
  method: ChangeMethod,
  insufficient: (reason: string) => InsufficientEstimate,
): ChangeResult {
  const halfWidth = standardError === 0 ? 0 : studentCritical(df, confidence) * standardError
  const changePercent = Math.expm1(meanLog) * 100
  const lowPercent = Math.expm1(meanLog - halfWidth) * 100
  const highPercent = Math.expm1(meanLog + halfWidth) * 100
  if (!Number.isFinite(highPercent)) {
    return insufficient('the samples spread too far for an interval in percent (its upper end overflows)')
  }
  return { state: 'estimated', changePercent, lowPercent, highPercent, confidence, samples, method }
}

/** Mean and sample standard deviation (n − 1) of logs. */
function summarize(logs: readonly number[]): LogSampleSummary {
  const count = logs.length
  if (count === 0) return { meanLog: 0, sdLog: 0, count: 0 }
  let sum = 0
  for (const value of logs) sum += value
  const meanLog = sum / count
  let squares = 0
  for (const value of logs) squares += (value - meanLog) ** 2
  return { meanLog, sdLog: count < 2 ? 0 : Math.sqrt(squares / (count - 1)), count }
}

function firstUnusable(values: readonly number[], name: string): string | undefined {
  const index = values.findIndex((value) => !(Number.isFinite(value) && value > 0))
  if (index === -1) return undefined
  const value = values[index]
  const what = value === 0 ? 'is 0' : Number.isFinite(value) ? `is negative (${value})` : `is ${value}`
  return `${name} ${index} ${what}: a change in percent needs positive, finite values`
}

function checkSummary(summary: LogSampleSummary): LogSampleSummary | InsufficientSamples {
  const { meanLog, sdLog, count } = summary
  if (
    Number.isFinite(meanLog) &&
    Number.isFinite(sdLog) &&
    sdLog >= 0 &&
    Number.isInteger(count) &&
    count >= 0
  ) {
    return summary
  }
  return {
    state: 'insufficient',
    reason: `summary is not one (meanLog ${meanLog}, sdLog ${sdLog}, count ${count}): it needs a finite mean, a non-negative sd and a whole count`,
  }
}

function countOf(samples: LogSamples): number {
  return isArray(samples) ? samples.length : samples.count
}

function isArray(samples: LogSamples): samples is readonly number[] {
  return Array.isArray(samples)
}

function requireConfidence(confidence: unknown): number {
  if (typeof confidence === 'number' && confidence > 0 && confidence < 1) return confidence
  throw new InvalidOptionError(
    'confidence',
    `Expected the \`confidence\` option to be a number above 0 and below 1 (0.95 for a 95% interval), got ${String(confidence)}`,
  )
}
