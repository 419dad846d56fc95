import type { Duration } from '../../foundation/types.ts'
import { MAX_DURATION_MS, parseDuration } from '../duration.ts'
import { fail } from '../validate.ts'

/**
 * A failed `onStart` is tried again after this pause (or the think time, when longer): in the native engine
 * and in the generated k6 script and locustfile alike.
 */
export const ON_START_RETRY_MS = 100

/** A pause drawn uniformly from `[minMs, maxMs]` (equal for a fixed pause; 0 for none). */
export interface ThinkRange {
  minMs: number
  maxMs: number
}

// Think time is short: a number is milliseconds here (the journey contract), a string any duration.
function thinkMs(option: string, value: unknown): number {
  const ms = typeof value === 'number' ? value : parseDuration(value as Duration, option)
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    fail(option, "a pause: milliseconds (a number), a duration ('100ms', '1s') or [min, max]", value)
  }
  return ms
}

/** Resolves `think`: `100` (ms), `'100ms'`, or `[min, max]` of either. */
export function resolveThink(option: string, value: unknown): ThinkRange {
  if (Array.isArray(value)) {
    if (value.length !== 2) fail(option, 'a [min, max] pair', value)
    const minMs = thinkMs(`${option}[0]`, value[0])
    const maxMs = thinkMs(`${option}[1]`, value[1])
    if (maxMs < minMs) fail(option, 'a [min, max] pair with min <= max', value)
    return { minMs, maxMs }
  }
  const ms = thinkMs(option, value)
  return { minMs: ms, maxMs: ms }
}

/** A pause of the range; `random` in [0, 1). */
export function drawThinkMs(range: ThinkRange, random: number): number {
  return range.minMs + (range.maxMs - range.minMs) * random
}
