// Loaded by the plugin through `setupFiles` in every test file: registers the matchers and starts a test
// session per test, so `loadTest` knows the running test (signal, config, where its results go).
import { afterEach, beforeEach, expect, inject } from 'vitest'
import {
  beginTestSession,
  suggestTimeoutMs,
  type TestSession,
} from '../../orchestration/session/test-session.ts'
import type { PerfWorkerConfig } from '../../orchestration/session/worker-config.ts'
import { perfMatchers } from '../../presentation/matchers/index.ts'
import { isLongRun } from '../../presentation/report/progress-line.ts'
import { META_KEY } from './collect-rows.ts'
import { encodeProgress } from './progress-channel.ts'

// The matcher and ProvidedContext types come from ./augment.d.mts, which perfspec/vitest's types reference.

// Vitest 5 has its own toBeFasterThan for its `bench` results: leave it theirs (ours is also
// toBeSignificantlyFasterThan).
const { toBeFasterThan, ...otherMatchers } = perfMatchers
// `in`, not a property read: Vitest's chai proxy throws on reading a property it does not know.
const vitestHasToBeFasterThan = 'toBeFasterThan' in expect(0)
expect.extend(vitestHasToBeFasterThan ? otherMatchers : perfMatchers)

// Undefined when the setup file is listed by hand without the plugin: defaults then apply.
const config = inject('perfspec') as PerfWorkerConfig | undefined

let current: TestSession | undefined

type Annotate = (message: string, type?: string) => Promise<unknown>

// `annotate` came with Vitest 3.2; without it (or outside a test) runs are not annotated.
function annotatorOf(testContext: object): Annotate | undefined {
  const annotate = (testContext as { annotate?: unknown }).annotate
  return typeof annotate === 'function' ? (annotate as Annotate).bind(testContext) : undefined
}

beforeEach((testContext) => {
  const meta = testContext.task.meta as Record<string, unknown>
  current = beginTestSession({
    signal: testContext.signal,
    config,
    // The reporter reads the results from the task's meta, so they go there as they come.
    onRecord: (recorded) => {
      meta[META_KEY] = recorded
    },
    ...(config?.progress === true && {
      onProgress: (progress) => {
        if (isLongRun(progress)) console.log(encodeProgress(progress))
      },
    }),
    failOnThresholdsHint: 'set perf({ failOnThresholds: false })',
    annotate: annotatorOf(testContext),
    testTimeoutMs: (testContext.task as { timeout?: number }).timeout,
    howToRaiseTimeout: (neededMs) =>
      `test('…', { timeout: ${suggestTimeoutMs(neededMs)} }, …), or \`test.testTimeout\` in vitest.config`,
  })
})

afterEach(async () => {
  const session = current
  current = undefined
  if (session === undefined) return
  await session.end()
  session.assertThresholds()
})
