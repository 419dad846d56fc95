import { InvalidOptionError } from '../../foundation/errors.ts'
import { functionFieldsOf } from '../../options/journey/resolve.ts'
import type { ResolvedLoadOptions } from '../../options/load-options.ts'

/** Journey options the native engine can't honour as given: thrown before any request is sent. */
export function checkJourneyOptions(options: ResolvedLoadOptions): void {
  const { journey } = options
  if (journey === undefined) return
  if (options.pipelining > 1) {
    throw new InvalidOptionError(
      'pipelining',
      'Expected no `pipelining` with a journey (`steps`, `scenarios`): each step waits for the previous response',
    )
  }
  // Without `workers` a journey with functions runs in the calling thread (placeGenerator says so).
  if (options.workers !== undefined && options.workers > 0) {
    const [field] = functionFieldsOf(journey)
    if (field !== undefined) {
      throw new InvalidOptionError(
        field,
        `The \`${field}\` function cannot run in worker threads: with \`workers\`, steps must be plain data ` +
          "(templates such as '/items/{{id}}', captures such as 'json:token', `data` rows), or use `workers: 0` (the calling thread)",
      )
    }
  }
}

/** setup's value travels to worker threads by structured clone: refused up front when it can't. */
export function checkSetupValueClones(value: unknown): void {
  try {
    structuredClone(value)
  } catch (error) {
    throw new InvalidOptionError(
      'setup',
      `What \`setup\` returned cannot reach worker threads (${(error as Error).message}): return plain data, or use \`workers: 0\``,
    )
  }
}
