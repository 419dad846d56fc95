import { InvalidOptionError } from '../../foundation/errors.ts'
import type { IterationFunction, JourneyOptions, LoadTestOptions } from '../../foundation/types.ts'
import { resolveIterationModule } from './iteration-module.ts'

/** A journey written as code: the iteration, and the `onStart` function each user runs once before it. */
export interface CodeIteration {
  /** A module's: its default export, once imported (until then, moduleNotImported). */
  run: IterationFunction
  /** A module's: its named export `onStart`, once imported. */
  onStart: IterationFunction | undefined
  /** A module iteration: the href of its `file:` URL, imported in each thread that runs it. */
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
 * Validates `iteration` — a function, or a module's `file:` URL (imported before the run, by the engine) —
 * and a function `onStart`; undefined without `iteration`. A function `onStart` belongs to a function
 * iteration (a module exports its own), declarative `onStart` steps to `steps` or `scenarios`.
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
  const given = options.iteration
  // A module's URL is checked before the options it cannot go with: a wrong `iteration` is the first thing to say.
  const module = typeof given === 'function' ? undefined : resolveIterationModule(given)
  for (const [key, why] of Object.entries(NOT_WITH_CODE)) {
    if (options[key as keyof typeof NOT_WITH_CODE] !== undefined) throw new InvalidOptionError(key, why)
  }
  const { onStart } = options
  if (module !== undefined) {
    if (onStart !== undefined) {
      throw new InvalidOptionError(
        'onStart',
        'A module iteration takes its `onStart` from the module: `export async function onStart(vu) { … }` ' +
          'beside its default export (a function cannot cross to its worker threads)',
      )
    }
    return { run: moduleNotImported, onStart: undefined, module, endpoints: [] }
  }
  if (onStart !== undefined && typeof onStart !== 'function') {
    throw new InvalidOptionError(
      'onStart',
      'With `iteration`, `onStart` is a function of the virtual user too: async (vu) => { await vu.post(…) }',
    )
  }
  return { run: given as IterationFunction, onStart, endpoints: [] }
}

/** A module iteration's `run` until its module is imported in the thread that runs it (the engine does). */
function moduleNotImported(): never {
  throw new Error('the iteration module was not imported')
}
