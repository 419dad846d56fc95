import { withSetupAndTeardown } from '../engine/journey/setup-teardown.ts'
import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedJourney } from '../options/journey/resolve.ts'
import { emptyAbortedRun, requireSomeRequests } from './run-files.ts'

/**
 * Runs a journey's `setup` in this process before a tool starts, hands its value (which must be JSON) to
 * `task`, and runs `teardown` with it afterwards, also when the task failed or was aborted. Both hooks are
 * bounded by the run's signal and their time limits, as on the native engine (withSetupAndTeardown).
 */
export function withJourneySetup(
  tool: string,
  journey: ResolvedJourney,
  signal: AbortSignal | undefined,
  task: (setup: unknown) => Promise<AdapterRun>,
): Promise<AdapterRun> {
  return withSetupAndTeardown(journey, signal, {
    task(setup) {
      if (setup !== undefined) assertJson(tool, setup)
      return task(setup)
    },
    aborted: (warning) => requireSomeRequests(tool, emptyAbortedRun([warning])),
  })
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
