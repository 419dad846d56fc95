import { InvalidOptionError } from '../foundation/errors.ts'

/**
 * Every key of `T`, each mapped to `true`. Write a known-key list as
 * `const KEYS = { … } satisfies KnownKeys<Options>`: tsc then fails when `Options` gains a key the list
 * lacks (a missing property) or the list names one `Options` lacks (an excess property).
 */
export type KnownKeys<T> = Record<keyof T, true>

/** What a message calls the checked value: an option (the default) or a function's argument. */
export interface ArgumentName {
  argument: string
}

/** A name as the helpers take it: `'users'` is an option, `argument('ms')` a positional argument. */
export type ValueName = string | ArgumentName

/** Names a positional argument (a matcher's `ms`) rather than an option. */
export function argument(name: string): ArgumentName {
  return { argument: name }
}

function nameOf(name: ValueName): string {
  return typeof name === 'string' ? name : name.argument
}

function phrase(name: ValueName): string {
  return typeof name === 'string' ? `the \`${name}\` option` : `the \`${name.argument}\` argument`
}

const MAX_SHOWN = 120

/** The received value as execa shows it: `` `-1` (number) ``, `'10' (string)`, `an array`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value
    return `'${shown}' (string)`
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `\`${String(value)}\` (${typeof value})`
  }
  if (value === null) return '`null`'
  if (value === undefined) return '`undefined`'
  if (typeof value === 'symbol') return `\`${String(value)}\` (symbol)`
  if (typeof value === 'function') return isAsyncFunction(value) ? 'an async function' : 'a function'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Promise) return 'a Promise'
  return 'an object'
}

/** Throws ``Expected the `x` option to be <expected>, got <value>``, naming the option on the error. */
export function fail(name: ValueName, expected: string, value: unknown): never {
  throw new InvalidOptionError(
    nameOf(name),
    `Expected ${phrase(name)} to be ${expected}, got ${describeValue(value)}`,
  )
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function requireObject(
  name: ValueName,
  value: unknown,
  expected = 'an object',
): Record<string, unknown> {
  if (!isRecord(value)) fail(name, expected, value)
  return value
}

/** Bounds of a number; `above`/`below` exclude the bound, `min`/`max` include it. */
export interface NumberRange {
  min?: number
  max?: number
  above?: number
  below?: number
  /** Appended to the expectation, e.g. `(a fraction: 0.2 means 20%)`. */
  hint?: string
}

function describeRange(noun: 'number' | 'integer', range: NumberRange): string {
  const { min, max, above, below } = range
  const article = noun === 'integer' ? 'an' : 'a'
  const closed = above === undefined && below === undefined
  const hasMax = max !== undefined && max < Number.MAX_SAFE_INTEGER
  const positive =
    (above === 0 && min === undefined) || (noun === 'integer' && min === 1 && above === undefined)
  let text: string
  if (closed && min !== undefined && hasMax) text = `${article} ${noun} from ${min} to ${max}`
  else if (closed && min === 0 && !hasMax) text = `a non-negative ${noun}`
  else if (positive && below === undefined && !hasMax) text = `a positive ${noun}`
  else {
    const bounds: string[] = []
    if (above !== undefined) bounds.push(`above ${above}`)
    else if (min !== undefined) bounds.push(`of at least ${min}`)
    if (below !== undefined) bounds.push(`below ${below}`)
    else if (hasMax) bounds.push(`at most ${max}`)
    text = bounds.length === 0 ? `${article} ${noun}` : `${article} ${noun} ${bounds.join(' and ')}`
  }
  return range.hint === undefined ? text : `${text} ${range.hint}`
}

function inRange(value: number, { min, max, above, below }: NumberRange): boolean {
  return (
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (above === undefined || value > above) &&
    (below === undefined || value < below)
  )
}

/** A finite number within the range. */
export function requireNumber(name: ValueName, value: unknown, range: NumberRange = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) {
    fail(name, describeRange('number', range), value)
  }
  return value
}

/** An integer from `min` to `max` (inclusive). */
export function requireInteger(
  name: ValueName,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(name, describeRange('integer', { min, max }), value)
  }
  return value
}

export function requireString(name: ValueName, value: unknown, expected = 'a non-empty string'): string {
  if (typeof value !== 'string' || value.length === 0) fail(name, expected, value)
  return value
}

export function requireBoolean(name: ValueName, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'true or false', value)
  return value
}

export function requireFunction<F extends (...args: never[]) => unknown>(
  name: ValueName,
  value: unknown,
  expected = 'a function',
): F {
  if (typeof value !== 'function') fail(name, expected, value)
  return value as F
}

/** True for a Promise, or any object with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** An `async` function (or async generator function): whatever it does, it returns before its work is done. */
export function isAsyncFunction(value: unknown): boolean {
  // The tag, not instanceof: Jest runs a test file in a vm context with an AsyncFunction of its own.
  const tag = Object.prototype.toString.call(value)
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]'
}

/**
 * A function perfspec calls for every request and never awaits (`check`, a step's `path`, `body`,
 * `capture`): an `async` one is refused, as its Promise would pass a check or go out as the body `{}`.
 */
export function requireSyncFunction<F extends (...args: never[]) => unknown>(
  name: ValueName,
  value: unknown,
): F {
  const fn = requireFunction<F>(name, value)
  if (isAsyncFunction(fn)) {
    fail(
      name,
      'a synchronous function: it is called for every request and never awaited (do async work in `setup`)',
      fn,
    )
  }
  return fn
}

/** One of a fixed list of strings. */
export function requireOneOf<T extends string>(name: ValueName, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(name, `one of ${allowed.map((v) => `'${v}'`).join(', ')}`, value)
  return value as T
}

/** Edit distance, for "did you mean": a typo is one or two edits away. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}

function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  // A shortened name (`baseline` for `baselineDir`) is a typo too.
  const extended = known.find((candidate) => lower.length >= 4 && candidate.toLowerCase().startsWith(lower))
  if (extended !== undefined) return extended
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/**
 * Throws on the first key of `value` that `known` lacks, naming it with `prefix` (`'breakOn.'`), the
 * closest known key, and the known ones.
 */
export function rejectUnknownKeys(value: object, known: Readonly<Record<string, true>>, prefix = ''): void {
  const names = Object.keys(known)
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(known, key)) continue
    const guess = closest(key, names)
    const didYouMean = guess === undefined ? '' : ` (did you mean \`${prefix}${guess}\`?)`
    throw new InvalidOptionError(
      `${prefix}${key}`,
      `Unknown option \`${prefix}${key}\`${didYouMean}. Known options: ${names.join(', ')}`,
    )
  }
}
