import type { Duration } from '../foundation/types.ts'
import { fail, type ValueName } from './validate.ts'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const
const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
const EXPECTED = "seconds or a duration like '500ms', '30s', '2m' or '1m30s'"
/** The longest duration any option takes: longer runs are a typo, not a test. */
export const MAX_DURATION_MS = 24 * 3_600_000

/**
 * Parses a duration to milliseconds: a number is seconds (as in the seed and k6's CLI), a string is
 * `'250ms'`, `'30s'`, `'2m'`, `'1h'` or a sum such as `'1m30s'`. A bare numeric string is seconds too.
 */
// Takes any string: values from env variables, YAML and the command line are checked here, at run time.
export function parseDuration(value: Duration | string, option: ValueName = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) fail(option, `a non-negative number of ${EXPECTED}`, value)
    return value * 1000
  }
  if (typeof value !== 'string') fail(option, EXPECTED, value)
  const text = value.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000
  if (!DURATION_PATTERN.test(text)) fail(option, EXPECTED, value)
  let total = 0
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  }
  return total
}

/** A duration option in ms, above 0 (or from 0 with `allowZero`) and at most 24h. */
export function requireDurationMs(
  option: ValueName,
  value: unknown,
  { allowZero = false }: { allowZero?: boolean } = {},
): number {
  const ms = parseDuration(value as Duration, option)
  if ((!allowZero && ms <= 0) || ms > MAX_DURATION_MS) {
    fail(option, `a duration ${allowZero ? 'from 0' : 'above 0'} up to 24h`, value)
  }
  return ms
}

/** Renders milliseconds the way the tools take them on their command lines: `'1500ms'`, `'30s'`. */
export function formatDurationForTool(ms: number): string {
  return Number.isInteger(ms / 1000) ? `${ms / 1000}s` : `${Math.round(ms)}ms`
}
