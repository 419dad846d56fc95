import type { ParsedThreshold } from './thresholds.ts'
import { fail, requireNumber } from './validate.ts'

/** The default error budget: at most 1% of requests fail (k6 users' most common `http_req_failed: ['rate<0.01']`). */
export const DEFAULT_ERROR_BUDGET = 0.01

/**
 * What a run's error budget checks. `false`: nothing. Otherwise a run in which no request succeeded fails,
 * and so does one whose failed share exceeds `maxFraction` (undefined: the run's own error-rate threshold
 * decides the rate).
 */
export type ErrorBudget = { maxFraction: number | undefined } | false

/** Validates an error budget: a failed share from 0 to 1 (`0.05` = 5%), or `false`. */
export function requireErrorBudget(option: string, value: unknown): number | false {
  if (value === false) return false
  if (typeof value !== 'number') return fail(option, 'a failed share from 0 to 1 (e.g. 0.05) or false', value)
  return requireNumber(option, value, { min: 0, max: 1 })
}

// A run's own error-rate threshold takes the place of the default rate; an explicit `errorBudget` applies anyway.
export function resolveErrorBudget(
  value: unknown,
  fallback: number | false,
  thresholds: readonly ParsedThreshold[],
): ErrorBudget {
  if (value !== undefined) {
    const given = requireErrorBudget('errorBudget', value)
    return given === false ? false : { maxFraction: given }
  }
  if (fallback === false) return false
  const ownRate = thresholds.some(({ stat }) => stat === 'errorRatePercent' || stat === 'errorFraction')
  return { maxFraction: ownRate ? undefined : fallback }
}
