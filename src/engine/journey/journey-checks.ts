import { InvalidOptionError } from '../../foundation/errors.ts'

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
