import { isPerfError, MatcherUsageError } from '../../foundation/errors.ts'

/** The one error of a misused matcher: its hint line, then why. */
export function matcherUsageError(matcher: string, hint: string, why: string): MatcherUsageError {
  return new MatcherUsageError(matcher, `${hint}\n\n${matcher} ${why}`)
}

/**
 * Runs a matcher's argument checks; an option or threshold error they throw becomes a MatcherUsageError
 * under the matcher's hint, so every misuse of every matcher is one error type.
 */
export function checkMatcherUsage<T>(matcher: string, hint: string, check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (isPerfError(error, 'PERF_INVALID_OPTION') || isPerfError(error, 'PERF_INVALID_THRESHOLD')) {
      throw new MatcherUsageError(matcher, `${hint}\n\n${matcher}: ${error.message}`, { cause: error })
    }
    throw error
  }
}
