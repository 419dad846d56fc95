import { SetupTimeoutError } from '../../foundation/errors.ts'
import type { AdapterRun } from '../../metrics/adapter-run.ts'
import type { ResolvedJourney } from '../../options/journey/resolve.ts'

/** How a `setup` or `teardown` ended: its value, what it threw, or perfspec stopped waiting for it. */
type HookOutcome =
  | { kind: 'done'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted' }

/** The verdict that fails a run whose teardown did not complete (it decides `success`, as a threshold). */
const TEARDOWN_VERDICT = 'teardown completed'

/**
 * Calls a hook and waits for it: at most `limitMs`, and only while `stop` is not aborted. When the wait ends
 * without it, the signal the hook was given aborts (so it can stop its work), and whatever it settles with
 * later is dropped, a rejection included.
 */
async function waitForHook(
  call: (signal: AbortSignal) => unknown,
  limitMs: number,
  stop: AbortSignal | undefined,
): Promise<HookOutcome> {
  if (stop?.aborted) return { kind: 'aborted' }
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onStop: (() => void) | undefined
  const gaveUp = new Promise<HookOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), limitMs)
    onStop = () => resolve({ kind: 'aborted' })
    stop?.addEventListener('abort', onStop, { once: true })
  })
  try {
    let returned: unknown
    try {
      returned = call(controller.signal)
    } catch (error) {
      return { kind: 'threw', error }
    }
    const settled = Promise.resolve(returned).then(
      (value): HookOutcome => ({ kind: 'done', value }),
      (error: unknown): HookOutcome => ({ kind: 'threw', error }),
    )
    const outcome = await Promise.race([settled, gaveUp])
    if (outcome.kind === 'timeout' || outcome.kind === 'aborted') {
      controller.abort(new Error(`perfspec stopped waiting for it (${outcome.kind})`))
    }
    return outcome
  } finally {
    clearTimeout(timer)
    if (onStop !== undefined) stop?.removeEventListener('abort', onStop)
  }
}

/** What `withSetupAndTeardown` runs between the two hooks, and the run it returns when no load was sent. */
export interface JourneyLoad {
  /** Sends the load with setup's value. */
  task(setup: unknown): Promise<AdapterRun>
  /** The empty, aborted run of a run aborted before its load, with this warning. */
  aborted(warning: string): AdapterRun
}

const ABORTED_IN_SETUP = 'The run was aborted during `setup`: no load was sent.'

/**
 * Runs a journey's `setup` (if it has one) and returns its value; `aborted` when `signal` aborted first. Past
 * `setupTimeout` it throws SetupTimeoutError; what setup throws is thrown.
 */
export async function runSetup(
  journey: ResolvedJourney,
  signal: AbortSignal | undefined,
): Promise<{ aborted: true } | { aborted: false; value: unknown }> {
  const { setup, setupTimeoutMs } = journey
  if (setup === undefined) return { aborted: false, value: undefined }
  const outcome = await waitForHook((hookSignal) => setup({ signal: hookSignal }), setupTimeoutMs, signal)
  if (outcome.kind === 'aborted') return { aborted: true }
  if (outcome.kind === 'timeout') throw new SetupTimeoutError(setupTimeoutMs)
  if (outcome.kind === 'threw') throw outcome.error
  return { aborted: false, value: outcome.value }
}

/**
 * Runs a journey's `setup`, then the load with its value, then `teardown` with it (also when the load
 * failed or was aborted). Neither hook can keep a run from settling:
 * - `setup` ends the run before any load: aborted (an abort while it runs, as an abort before the run), or
 *   throwing what it threw, or SetupTimeoutError past `setupTimeout`. `teardown` does not run then.
 * - `teardown` is waited for at most `teardownTimeout`, and no longer than an abort that comes while it
 *   runs. When it throws or is not waited for, the run's result is kept and fails (a verdict), with a
 *   warning saying why.
 */
export async function withSetupAndTeardown(
  journey: ResolvedJourney,
  signal: AbortSignal | undefined,
  load: JourneyLoad,
): Promise<AdapterRun> {
  const setup = await runSetup(journey, signal)
  if (setup.aborted) return load.aborted(ABORTED_IN_SETUP)
  let run: AdapterRun
  try {
    // An abort as setup finished: the engine would never hear of it (the event has fired).
    const abortedInSetup = journey.setup !== undefined && signal?.aborted === true
    run = abortedInSetup ? load.aborted(ABORTED_IN_SETUP) : await load.task(setup.value)
  } catch (error) {
    await runTeardown(journey, setup.value, signal)
    throw error
  }
  const failure = await runTeardown(journey, setup.value, signal)
  return failure === undefined ? run : withTeardownFailure(run, failure)
}

/** Runs `teardown`; why it did not complete, or undefined when it did (or there is none). */
async function runTeardown(
  journey: ResolvedJourney,
  setupValue: unknown,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const { teardown, teardownTimeoutMs } = journey
  if (teardown === undefined) return undefined
  // After an aborted run teardown still cleans up: only an abort that comes while it runs ends the wait.
  const stop = signal?.aborted ? undefined : signal
  const outcome = await waitForHook(
    (hookSignal) => teardown(setupValue, { signal: hookSignal }),
    teardownTimeoutMs,
    stop,
  )
  switch (outcome.kind) {
    case 'done':
      return undefined
    case 'threw':
      return `threw: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`
    case 'timeout':
      return `did not finish within ${teardownTimeoutMs} ms (\`teardownTimeout\`)`
    case 'aborted':
      return 'was still running when the run was aborted'
  }
}

function withTeardownFailure(run: AdapterRun, why: string): AdapterRun {
  return {
    ...run,
    warnings: [...run.warnings, `\`teardown\` ${why}. The result is kept, and fails (\`success: false\`).`],
    toolThresholds: [
      ...(run.toolThresholds ?? []),
      { expression: TEARDOWN_VERDICT, actual: 0, passed: false },
    ],
  }
}
