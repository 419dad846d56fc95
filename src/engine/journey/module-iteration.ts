import { fileURLToPath } from 'node:url'
import { InvalidOptionError } from '../../foundation/errors.ts'
import type { IterationFunction } from '../../foundation/types.ts'
import type { CodeIteration, ResolvedJourney } from '../../options/journey/resolve.ts'

type Exports = Pick<CodeIteration, 'run' | 'onStart'>

function describeExport(value: unknown): string {
  return value === undefined ? 'missing' : `a ${typeof value}`
}

/** Imports an iteration module: its default export and its `onStart`; an Error saying what is wrong else. */
async function importExports(href: string): Promise<Exports> {
  const exports = (await import(/* @vite-ignore */ href)) as Record<string, unknown>
  const run = exports['default']
  if (typeof run !== 'function') {
    throw new Error(
      `its default export is ${describeExport(run)}, not the iteration function: export default async (vu) => { … }`,
    )
  }
  const onStart = exports['onStart']
  if (onStart !== undefined && typeof onStart !== 'function') {
    throw new Error(
      `its export \`onStart\` is ${describeExport(onStart)}, not a function of the virtual user`,
    )
  }
  return { run: run as IterationFunction, onStart: onStart as IterationFunction | undefined }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Before the run, in the calling thread: the journey with its module iteration imported (it runs there
 * with `workers: 0`; worker threads import it again, and this import checks it first). A module that does
 * not import, or whose default export is not a function, is a PerfError naming `iteration`.
 */
export async function withModuleImported(journey: ResolvedJourney): Promise<ResolvedJourney> {
  const { iteration } = journey
  if (iteration?.module === undefined) return journey
  let exports: Exports
  try {
    exports = await importExports(iteration.module)
  } catch (error) {
    throw new InvalidOptionError(
      'iteration',
      `The iteration module ${fileURLToPath(iteration.module)} cannot run: ${messageOf(error)}`,
    )
  }
  return { ...journey, iteration: { ...iteration, ...exports } }
}

/**
 * In a worker thread: the module iteration imported. When that fails here (it imported in the calling
 * thread), each iteration fails with why, counted as a throwing iteration is: the run goes on, never crashes.
 */
export async function importInWorker(module: string, endpoints: string[]): Promise<CodeIteration> {
  try {
    return { module, endpoints, ...(await importExports(module)) }
  } catch (error) {
    const message = `the module ${fileURLToPath(module)} failed to import in a worker thread: ${messageOf(error)}`
    return {
      module,
      endpoints,
      onStart: undefined,
      run: () => {
        throw new Error(message)
      },
    }
  }
}
