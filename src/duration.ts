import { InvalidOptionError } from './errors.ts'
import type { Duration } from './types.ts'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const
const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g

/**
 * Parses a duration to milliseconds: a number is seconds (as in the seed and k6's CLI), a string is
 * `'250ms'`, `'30s'`, `'2m'`, `'1h'` or a sum such as `'1m30s'`. A bare numeric string is seconds too.
 */
export function parseDuration(value: Duration, option = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidOptionError(
        option,
        `Expected the \`${option}\` option to be a non-negative number of seconds, got \`${value}\` (number)`,
      )
    }
    return value * 1000
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionError(
      option,
      `Expected the \`${option}\` option to be seconds or a string like '30s', got \`${String(value)}\` (${typeof value})`,
    )
  }
  const text = value.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000
  if (!DURATION_PATTERN.test(text)) {
    throw new InvalidOptionError(
      option,
      `Expected the \`${option}\` option to be a duration like '500ms', '30s', '2m' or '1m30s', got '${value}'`,
    )
  }
  let total = 0
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  }
  return total
}

/** Renders milliseconds the way the tools take them on their command lines: `'1500ms'`, `'30s'`. */
export function formatDurationForTool(ms: number): string {
  return Number.isInteger(ms / 1000) ? `${ms / 1000}s` : `${Math.round(ms)}ms`
}
