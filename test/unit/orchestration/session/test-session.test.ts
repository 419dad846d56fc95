import { afterEach, describe, expect, it } from 'vitest'
import type {
  LoadTestResult,
  RecordedResult,
  StressTestResult,
} from '../../../../src/foundation/model/index.ts'
import {
  getCurrentTestContext,
  markNestedRun,
  markThresholdsChecked,
  setCurrentTestContext,
} from '../../../../src/orchestration/context.ts'
import { beginTestSession, describeBreaches } from '../../../../src/orchestration/session/test-session.ts'
import type { PerfWorkerConfig } from '../../../../src/orchestration/session/worker-config.ts'
import { makeResult } from '../../../helpers/results.ts'

const HINT = 'set perf({ failOnThresholds: false })'

function breached(name: string): LoadTestResult {
  return {
    ...makeResult({ name }),
    success: false,
    thresholds: [{ expression: 'p(95)<5', actual: 18, passed: false }],
  }
}

function config(overrides: Partial<PerfWorkerConfig> = {}): PerfWorkerConfig {
  return {
    defaults: {},
    root: '/project',
    update: 'new',
    progress: false,
    failOnThresholds: true,
    ...overrides,
  }
}

// A failed test must not leave its context installed for the next one.
afterEach(() => setCurrentTestContext(undefined))

describe('beginTestSession', () => {
  it('installs a context with the config, the signal and the progress callback, and end() removes it', async () => {
    const controller = new AbortController()
    const onProgress = () => {}
    const session = beginTestSession({
      signal: controller.signal,
      config: config({ tool: 'native', baselineDir: '/b', progress: true }),
      onProgress,
      failOnThresholdsHint: HINT,
    })
    const context = getCurrentTestContext()
    expect(context).toMatchObject({
      signal: controller.signal,
      tool: 'native',
      baselineDir: '/b',
      root: '/project',
    })
    expect(context?.onProgress).toBe(onProgress)
    // The session's own switches do not leak into what loadTest reads.
    expect(context).not.toHaveProperty('progress')
    expect(context).not.toHaveProperty('failOnThresholds')
    await session.end()
    expect(getCurrentTestContext()).toBeUndefined()
  })

  it('records runs in the order they end, leaves nested runs out and attaches baseline checks', async () => {
    const changes: RecordedResult[][] = []
    const session = beginTestSession({
      signal: new AbortController().signal,
      config: undefined,
      onRecord: (recorded) => changes.push(recorded),
      failOnThresholdsHint: HINT,
    })
    const context = getCurrentTestContext()!
    const first = makeResult({ name: 'first' })
    const nested = makeResult({ name: 'step' })
    markNestedRun(nested)
    const group = { kind: 'stress', steps: [] } as unknown as StressTestResult
    context.track?.(Promise.resolve(first))
    context.track?.(Promise.resolve(nested))
    context.trackGroup?.(Promise.resolve(group))
    context.track?.(Promise.reject(new Error('bad options')))
    await session.end()
    const check = { key: 'k', file: 'f.perf.json', comparison: null }
    context.recordBaseline?.(first, check)
    expect(session.recorded()).toEqual([{ result: first, baseline: check }, { result: group }])
    expect(changes.at(-1)).toEqual(session.recorded())
  })

  it('end() waits for a run still going', async () => {
    const session = beginTestSession({
      signal: new AbortController().signal,
      config: undefined,
      failOnThresholdsHint: HINT,
    })
    let finish: (result: LoadTestResult) => void = () => {}
    getCurrentTestContext()?.track?.(new Promise((resolve) => (finish = resolve)))
    const ended = session.end()
    finish(makeResult({ name: 'late' }))
    await ended
    expect(session.recorded().map(({ result }) => result.kind === 'load' && result.name)).toEqual(['late'])
  })

  it('assertThresholds throws for an unasserted breach, including nested runs, and names the runs', async () => {
    const session = beginTestSession({
      signal: new AbortController().signal,
      config: config(),
      failOnThresholdsHint: HINT,
    })
    const step = breached('step')
    markNestedRun(step)
    const asserted = breached('asserted')
    markThresholdsChecked(asserted)
    for (const result of [step, asserted]) getCurrentTestContext()?.track?.(Promise.resolve(result))
    await session.end()
    expect(() => session.assertThresholds()).toThrow(describeBreaches([step], HINT))
    expect(describeBreaches([step], HINT)).toContain(`or ${HINT} to only report them.`)
    expect(describeBreaches([step], HINT)).toContain('✗ p(95)<5  (actual 18)')
  })

  it('assertThresholds does nothing with failOnThresholds: false', async () => {
    const session = beginTestSession({
      signal: new AbortController().signal,
      config: config({ failOnThresholds: false }),
      failOnThresholdsHint: HINT,
    })
    getCurrentTestContext()?.track?.(Promise.resolve(breached('run')))
    await session.end()
    expect(() => session.assertThresholds()).not.toThrow()
  })
})
