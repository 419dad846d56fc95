import type { GeneratorThread } from '../foundation/model/index.ts'
import { functionFieldsOf } from '../options/journey/resolve.ts'
import type { EngineRunOptions } from './engine-options.ts'

/** Where the native generator runs, with how many worker threads, and why when not where asked. */
export interface GeneratorPlacement {
  thread: GeneratorThread
  /** Worker threads (0 in the calling thread). */
  workers: number
  warning: string | undefined
}

/**
 * By default the generator gets a worker thread of its own: an app started inside the test (the common
 * Vitest pattern) then does not share its event loop with the load, and measures as it would in its own
 * process. `workers: 0` keeps it in the calling thread; a function-valued option (`check`) cannot cross to
 * another thread, so it keeps it there too, and says so.
 */
export function placeGenerator(
  options: Pick<EngineRunOptions, 'request' | 'native' | 'journey'>,
): GeneratorPlacement {
  const workers = options.native.workers ?? 1
  if (workers === 0) return { thread: 'main', workers: 0, warning: undefined }
  if (options.request.check !== undefined) {
    return {
      thread: 'main',
      workers: 0,
      warning:
        'The load generator ran in the test’s own thread: a `check` function cannot cross to a worker thread. ' +
        'An app started in this process shared its event loop with the load, which slows both; check the ' +
        'status with `expectStatus` instead, or run the app in a child process.',
    }
  }
  if (options.journey?.iteration !== undefined && options.journey.iteration.module === undefined) {
    return {
      thread: 'main',
      workers: 0,
      warning:
        'The load generator ran in the test’s own thread: an `iteration` function cannot cross to a worker ' +
        'thread. An app started in this process shared its event loop with the load, which slows both; run ' +
        'the app in a child process.',
    }
  }
  const [journeyFunction] = options.journey === undefined ? [] : functionFieldsOf(options.journey)
  if (journeyFunction !== undefined) {
    return {
      thread: 'main',
      workers: 0,
      warning:
        `The load generator ran in the test’s own thread: the journey’s \`${journeyFunction}\` function cannot ` +
        'cross to a worker thread. An app started in this process shared its event loop with the load; use ' +
        "templates ('/items/{{id}}') and declarative captures ('json:token') instead, or run the app in a child process.",
    }
  }
  return { thread: 'worker', workers, warning: undefined }
}
