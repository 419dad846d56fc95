import { InvalidOptionError } from '../../foundation/errors.ts'
import type { IterationFunction, JourneyOptions, LoadTestOptions } from '../../foundation/types.ts'
import { fail, requireFunction } from '../validate.ts'

/** A journey written as code: the iteration, and the `onStart` function each user runs once before it. */
export interface CodeIteration {
  run: IterationFunction
  onStart: IterationFunction | undefined
  /** A module iteration: the href of its `file:` URL (a k6 run imports it from its generated shim). */
  module?: string
  /**
   * Endpoints the run's thresholds name (`{name:cart}`): made before the run, so that one the code never
   * requested fails its threshold (no requests) instead of being unknown.
   */
  endpoints: string[]
}

/** Journey options a code iteration has no use for, each with what to do instead. */
const NOT_WITH_CODE = {
  steps: 'give either `iteration` (code) or `steps`, not both',
  scenarios:
    'give either `iteration` (code) or `scenarios`, not both: pick a task in the code (`Math.random()`)',
  think: 'a code iteration pauses where it says: `await vu.sleep(seconds)`',
  mix: 'a code iteration has no scenarios to mix',
  method: 'each request of a code iteration names its method: `vu.post(path)`',
  body: 'each request of a code iteration gives its own body: `vu.post(path, { json })`',
  check: 'a code iteration checks what it reads: `vu.check(response, { name: (r) => … })`',
} as const satisfies Partial<Record<keyof LoadTestOptions, string>>

/** What `resolveCodeIteration` reads of a run's options. */
type CodeOptions = JourneyOptions & Pick<LoadTestOptions, 'method' | 'body' | 'check'>

/**
 * Validates `iteration` (and a function `onStart`); undefined without `iteration`. A function `onStart`
 * belongs to a code iteration, declarative `onStart` steps to `steps` or `scenarios`.
 */
export function resolveCodeIteration(options: CodeOptions): CodeIteration | undefined {
  if (options.iteration === undefined) {
    if (typeof options.onStart === 'function') {
      throw new InvalidOptionError(
        'onStart',
        'An `onStart` function runs before a code iteration: give `iteration: async (vu) => { … }` too, or make `onStart` a list of steps',
      )
    }
    return undefined
  }
  const module = typeof options.iteration === 'function' ? undefined : iterationModule(options.iteration)
  const run = requireFunction<IterationFunction>(
    'iteration',
    module === undefined ? options.iteration : moduleNotImported,
    'a function of the virtual user: async (vu) => { … }',
  )
  for (const [key, why] of Object.entries(NOT_WITH_CODE)) {
    if (options[key as keyof typeof NOT_WITH_CODE] !== undefined) throw new InvalidOptionError(key, why)
  }
  const { onStart } = options
  if (module !== undefined) {
    if (onStart !== undefined)
      throw new InvalidOptionError('onStart', 'A module iteration takes its `onStart` from the module')
    return { run, onStart: undefined, module, endpoints: [] }
  }
  if (onStart !== undefined && typeof onStart !== 'function') {
    throw new InvalidOptionError(
      'onStart',
      'With `iteration`, `onStart` is a function of the virtual user too: async (vu) => { await vu.post(…) }',
    )
  }
  return { run, onStart, endpoints: [] }
}

/** A module iteration's `file:` URL (a URL or its text), as an href. */
function iterationModule(value: unknown): string {
  const href = value instanceof URL ? value.href : typeof value === 'string' ? value : undefined
  if (href === undefined || !URL.canParse(href) || new URL(href).protocol !== 'file:')
    fail('iteration', 'a function of the virtual user, or the `file:` URL of a module', value)
  return href
}

/** A module iteration's `run` in the calling thread: the module is imported where it runs. */
function moduleNotImported(): never {
  throw new Error('the iteration module was not imported')
}
