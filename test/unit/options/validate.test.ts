import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { InvalidOptionError } from '../../../src/foundation/errors.ts'
import {
  argument,
  describeValue,
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireBoolean,
  requireFunction,
  requireInteger,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
  requireSyncFunction,
} from '../../../src/options/validate.ts'

function errorOf(run: () => unknown): InvalidOptionError {
  try {
    run()
  } catch (error) {
    if (error instanceof InvalidOptionError) return error
    throw error
  }
  throw new Error('expected an InvalidOptionError')
}

describe('describeValue', () => {
  it.each([
    [-1, '`-1` (number)'],
    [Number.NaN, '`NaN` (number)'],
    [true, '`true` (boolean)'],
    [10n, '`10` (bigint)'],
    ['10', "'10' (string)"],
    [null, '`null`'],
    [undefined, '`undefined`'],
    [[1], 'an array'],
    [{}, 'an object'],
    [() => 1, 'a function'],
    [Promise.resolve(1), 'a Promise'],
  ])('shows %o as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown)
  })

  it('cuts a long string short', () => {
    expect(describeValue('x'.repeat(500))).toBe(`'${'x'.repeat(120)}…' (string)`)
  })
})

describe('fail', () => {
  it('names the option in the execa form and on the error', () => {
    const error = errorOf(() => fail('timeout', 'a non-negative integer', -1))
    expect(error.message).toBe(
      'Expected the `timeout` option to be a non-negative integer, got `-1` (number)',
    )
    expect(error.option).toBe('timeout')
    expect(error.code).toBe('PERF_INVALID_OPTION')
  })

  it('calls a positional argument an argument', () => {
    const error = errorOf(() => fail(argument('ms'), 'a non-negative number', 'x'))
    expect(error.message).toBe("Expected the `ms` argument to be a non-negative number, got 'x' (string)")
    expect(error.option).toBe('ms')
  })
})

describe('requireInteger', () => {
  it('returns an integer in range', () => {
    expect(requireInteger('users', 5, 1, 10)).toBe(5)
  })

  it.each([
    [[1, 10], 0, 'an integer from 1 to 10'],
    [[1, undefined], 0, 'a positive integer'],
    [[0, undefined], -1, 'a non-negative integer'],
    [[5, undefined], 1, 'an integer of at least 5'],
  ] as const)('with bounds %j rejects %j as not %s', ([min, max], value, expected) => {
    expect(errorOf(() => requireInteger('n', value, min, max)).message).toContain(`to be ${expected}, got`)
  })

  it.each([1.5, Number.NaN, '3', null])('rejects %j', (value) => {
    expect(() => requireInteger('n', value, 0, 10)).toThrow(InvalidOptionError)
  })
})

describe('requireNumber', () => {
  it('returns a finite number in range', () => {
    expect(requireNumber('rate', 2.5, { above: 0 })).toBe(2.5)
  })

  it.each([
    [{}, Number.POSITIVE_INFINITY, 'a number'],
    [{ min: 0 }, -1, 'a non-negative number'],
    [{ above: 0 }, 0, 'a positive number'],
    [{ above: 0, below: 1 }, 1, 'a number above 0 and below 1'],
    [{ above: 0, max: 100 }, 101, 'a number above 0 and at most 100'],
    [{ min: 0, max: 5, hint: '(a fraction)' }, 20, 'a number from 0 to 5 (a fraction)'],
  ])('with %j rejects %j as not %s', (range, value, expected) => {
    expect(errorOf(() => requireNumber('n', value, range)).message).toContain(`to be ${expected}, got`)
  })
})

describe('the other require helpers', () => {
  it('requireString takes a non-empty string', () => {
    expect(requireString('name', 'a')).toBe('a')
    expect(errorOf(() => requireString('name', '')).message).toBe(
      "Expected the `name` option to be a non-empty string, got '' (string)",
    )
  })

  it('requireBoolean takes true or false', () => {
    expect(requireBoolean('flag', false)).toBe(false)
    expect(errorOf(() => requireBoolean('flag', 'yes')).message).toContain('to be true or false')
  })

  it('requireFunction takes a function', () => {
    const fn = () => 1
    expect(requireFunction('check', fn)).toBe(fn)
    expect(errorOf(() => requireFunction('check', 'x')).message).toContain('to be a function')
  })

  it('requireSyncFunction refuses an async function, also one from another realm (Jest)', () => {
    const fn = () => Promise.resolve(1)
    expect(requireSyncFunction('check', fn)).toBe(fn)
    expect(errorOf(() => requireSyncFunction('check', async () => true)).message).toBe(
      'Expected the `check` option to be a synchronous function: it is called for every request and never ' +
        'awaited (do async work in `setup`), got an async function',
    )
    const foreign = vm.runInNewContext('async () => true')
    expect(foreign instanceof (async () => {}).constructor).toBe(false)
    expect(errorOf(() => requireSyncFunction('check', foreign)).option).toBe('check')
    expect(errorOf(() => requireSyncFunction('capture', async function* () {})).option).toBe('capture')
  })

  it('requireObject takes a plain object, not an array or null', () => {
    const value = { a: 1 }
    expect(requireObject('o', value)).toBe(value)
    expect(errorOf(() => requireObject('o', [])).message).toContain('got an array')
    expect(errorOf(() => requireObject('o', null, 'a mapping')).message).toBe(
      'Expected the `o` option to be a mapping, got `null`',
    )
  })

  it('requireOneOf lists the allowed values', () => {
    expect(requireOneOf('method', 'GET', ['GET', 'POST'])).toBe('GET')
    expect(errorOf(() => requireOneOf('method', 'BREW', ['GET', 'POST'])).message).toBe(
      "Expected the `method` option to be one of 'GET', 'POST', got 'BREW' (string)",
    )
  })
})

describe('rejectUnknownKeys', () => {
  interface Options {
    users?: number
    duration?: string
    baselineDir?: string
  }
  const KEYS = { users: true, duration: true, baselineDir: true } satisfies KnownKeys<Options>

  it('passes known keys', () => {
    expect(() => rejectUnknownKeys({ users: 1, duration: '1s' }, KEYS)).not.toThrow()
  })

  it('names the unknown key with its prefix, a close known key, and the known ones', () => {
    const error = errorOf(() => rejectUnknownKeys({ user: 1 }, KEYS, 'defaults.'))
    expect(error.option).toBe('defaults.user')
    expect(error.message).toBe(
      'Unknown option `defaults.user` (did you mean `defaults.users`?). Known options: users, duration, baselineDir',
    )
  })

  it('suggests the full name of a shortened key', () => {
    expect(errorOf(() => rejectUnknownKeys({ baseline: 'x' }, KEYS)).message).toContain(
      '(did you mean `baselineDir`?)',
    )
  })

  it('suggests nothing for a key far from every known one', () => {
    expect(errorOf(() => rejectUnknownKeys({ zzzzzz: 1 }, KEYS)).message).not.toContain('did you mean')
  })

  it('does not take inherited properties for known keys', () => {
    expect(() => rejectUnknownKeys({ toString: 1 }, KEYS)).toThrow('`toString`')
  })
})

// Checked by tsc (`npm run typecheck` covers test/): a known-key list written with
// `satisfies KnownKeys<Options>` cannot drift from its options type. (Not a test-d file: those are also
// copied into a Vitest 5 project that sees only the public package.)
describe('KnownKeys', () => {
  interface Options {
    users?: number
    duration?: string
  }

  it('fails tsc for a list missing an option of the type, or naming one it lacks', () => {
    const exact = { users: true, duration: true } satisfies KnownKeys<Options>
    // @ts-expect-error Property 'duration' is missing: an option added to the type but not to the list
    const missing = { users: true } satisfies KnownKeys<Options>
    const extra = {
      users: true,
      duration: true,
      // @ts-expect-error Object literal may only specify known properties
      user: true,
    } satisfies KnownKeys<Options>
    expect(() => rejectUnknownKeys({ duration: '1s' }, exact)).not.toThrow()
    expect(() => rejectUnknownKeys({ duration: '1s' }, missing)).toThrow('`duration`')
    expect(Object.keys(extra)).toEqual(['users', 'duration', 'user'])
  })
})
