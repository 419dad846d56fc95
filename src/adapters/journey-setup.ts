import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { ResolvedJourney } from '../options/journey/resolve.ts'

/**
 * Runs a journey's `setup` in this process before a tool starts, hands its value (which must be JSON) to
 * `task`, and runs `teardown` with it afterwards, also when the task failed or was aborted.
 */
export async function withJourneySetup<T>(
  tool: string,
  journey: ResolvedJourney,
  task: (setup: unknown) => Promise<T>,
): Promise<T> {
  const setup = journey.setup === undefined ? undefined : await journey.setup()
  try {
    if (setup !== undefined) assertJson(tool, setup)
    return await task(setup)
  } finally {
    await journey.teardown?.(setup)
  }
}

function assertJson(tool: string, value: unknown): void {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  if (text === undefined)
    throw new UnsupportedOptionError(
      tool,
      'setup',
      `its value travels to ${tool} as JSON, and this one is not JSON`,
    )
}
