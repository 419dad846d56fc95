import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { LoadTestOptions, ToolName } from '../../../src/foundation/types.ts'
import { RUN_LOCK_DIR_ENV, RUN_LOCK_ENV } from '../../../src/foundation/util/machine-lock.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// Every wait is bounded: a run that never settles fails its test instead of hanging the file.
const SETTLE_BOUND_MS = 10_000
const never = () => new Promise<never>(() => {})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function settled(run: Promise<LoadTestResult>): Promise<LoadTestResult | Error> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error('loadTest did not settle')), SETTLE_BOUND_MS)
  })
  const outcome = await Promise.race([run.catch((error: unknown) => error as Error), bound])
  clearTimeout(timer)
  return outcome
}

function expectResult(outcome: LoadTestResult | Error): LoadTestResult {
  if (outcome instanceof Error) throw outcome
  return outcome
}

let server: JourneyServer | undefined
let lockDir: string
let saved: Record<string, string | undefined>
// A lock of this file's own: a run that kept it would make the next run here wait, whatever other runs do.
beforeEach(() => {
  lockDir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-hooks-lock-'))
  saved = { [RUN_LOCK_ENV]: process.env[RUN_LOCK_ENV], [RUN_LOCK_DIR_ENV]: process.env[RUN_LOCK_DIR_ENV] }
  process.env[RUN_LOCK_DIR_ENV] = lockDir
  delete process.env[RUN_LOCK_ENV]
})
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  rmSync(lockDir, { recursive: true, force: true })
})

/** The bounds of setup and teardown; `all: false` (an external tool, slow to start) the wiring only. */
function hookCases(tool: ToolName, { all }: { all: boolean }) {
  const load = (options: Omit<LoadTestOptions, 'url'>) =>
    loadTest({ url: server!.url, tool, users: 2, errorBudget: false, ...options })
  // k6 counts journeys, not requests: its runs are bounded by time.
  const bounded = tool === 'k6' ? { duration: '1s' as const } : { requests: 20 }

  /** Every request the server saw is in the result (native: exactly the `requests` asked for). */
  function expectAllCounted(result: LoadTestResult, before = 0): void {
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(server!.count - before).toBe(result.metrics.totalRequests)
    if (tool === 'native') expect(result.metrics.totalRequests).toBe(20)
  }

  /** The next run on this machine is not held up: it runs at once. */
  async function expectNextRunProceeds(): Promise<void> {
    const before = server!.count
    const next = expectResult(await settled(load({ ...bounded, steps: [{ path: '/next' }] })))
    expect(next.waitedMs).toBeUndefined()
    expectAllCounted(next, before)
  }

  it('an abort while setup runs sends no load, even once setup is done; the lock is free at once', async () => {
    server = await startJourneyServer()
    const controller = new AbortController()
    let setupSignal: AbortSignal | undefined
    let setupDone: Promise<unknown> | undefined
    let tornDown = false
    const outcome = await settled(
      load({
        duration: '1s',
        signal: controller.signal,
        setup: ({ signal }) => {
          setupSignal = signal
          controller.abort()
          setupDone = sleep(800).then(() => ({ id: 1 }))
          return setupDone
        },
        teardown: () => {
          tornDown = true
        },
        steps: [{ path: '/a' }],
      }),
    )
    const result = expectResult(outcome)
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBe(0)
    expect(result.warnings.join('\n')).toContain('during `setup`')
    expect(setupSignal?.aborted).toBe(true)
    // setup never finished for the run: there is nothing to tear down.
    expect(tornDown).toBe(false)
    await setupDone
    await sleep(200)
    expect(server.count).toBe(0)
    await expectNextRunProceeds()
  })

  if (all)
    it('a setup that never settles ends at setupTimeout: SetupTimeoutError, no load, the lock is free', async () => {
      server = await startJourneyServer()
      let setupSignal: AbortSignal | undefined
      const outcome = await settled(
        load({
          ...bounded,
          setupTimeout: '300ms',
          setup: ({ signal }) => {
            setupSignal = signal
            return never()
          },
          steps: [{ path: '/a' }],
        }),
      )
      expect(isPerfError(outcome, 'PERF_SETUP_TIMEOUT')).toBe(true)
      expect((outcome as Error).message).toContain('setupTimeout')
      expect(setupSignal?.aborted).toBe(true)
      expect(server.count).toBe(0)
      await expectNextRunProceeds()
    })

  it('a teardown that never settles ends at teardownTimeout: the result is kept, and fails', async () => {
    server = await startJourneyServer()
    let teardownSignal: AbortSignal | undefined
    const outcome = await settled(
      load({
        ...bounded,
        teardownTimeout: '300ms',
        teardown: (_setup, { signal }) => {
          teardownSignal = signal
          return never()
        },
        steps: [{ path: '/a' }],
      }),
    )
    const result = expectResult(outcome)
    expectAllCounted(result)
    expect(result.success).toBe(false)
    expect(result.thresholds).toContainEqual({ expression: 'teardown completed', actual: 0, passed: false })
    expect(result.warnings.join('\n')).toContain('`teardownTimeout`')
    expect(teardownSignal?.aborted).toBe(true)
    await expectNextRunProceeds()
  })

  if (all)
    it('a teardown that throws keeps the measured result, failed, with what it threw', async () => {
      server = await startJourneyServer()
      const outcome = await settled(
        load({
          ...bounded,
          teardown: () => {
            throw new Error('could not delete the test user')
          },
          steps: [{ path: '/a' }],
        }),
      )
      const result = expectResult(outcome)
      expectAllCounted(result)
      expect(result.success).toBe(false)
      expect(result.thresholds).toContainEqual({ expression: 'teardown completed', actual: 0, passed: false })
      expect(result.warnings.join('\n')).toContain('could not delete the test user')
    })
}

describe('journey setup and teardown never keep a run from settling (native)', () => {
  hookCases('native', { all: true })

  it('an abort while teardown runs ends the wait for it; after an aborted run teardown still runs to its end', async () => {
    server = await startJourneyServer()
    const during = new AbortController()
    const outcome = await settled(
      loadTest({
        url: server.url,
        users: 2,
        requests: 10,
        signal: during.signal,
        teardown: () => {
          during.abort()
          return never()
        },
        steps: [{ path: '/a' }],
      }),
    )
    const result = expectResult(outcome)
    expect(result.metrics.totalRequests).toBe(10)
    expect(result.success).toBe(false)
    expect(result.warnings.join('\n')).toContain('still running when the run was aborted')

    // The run's abort came before teardown: teardown is the clean-up of that run, waited for.
    const before = new AbortController()
    let cleaned = false
    const aborted = expectResult(
      await settled(
        loadTest({
          url: server.url,
          users: 2,
          duration: '5s',
          signal: before.signal,
          onProgress: () => before.abort(),
          teardown: async () => {
            await sleep(300)
            cleaned = true
          },
          steps: [{ path: '/b' }],
        }),
      ),
    )
    expect(aborted.aborted).toBe(true)
    expect(cleaned).toBe(true)
    expect(aborted.thresholds.some((verdict) => verdict.expression === 'teardown completed')).toBe(false)
  })
})

// k6 runs setup in Node too (src/adapters/journey-setup.ts): the same bounds, before k6 starts.
await describeWithTool(new K6Adapter(), 'journey setup and teardown on k6', () => {
  hookCases('k6', { all: false })
})
