import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { LoadTestResult } from '../../src/foundation/model/index.ts'
import type { LoadProgress } from '../../src/foundation/types.ts'
import { mergeThresholds } from '../../src/options/thresholds.ts'
import { applyTestContext, setCurrentTestContext } from '../../src/orchestration/context.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { beginTestSession } from '../../src/orchestration/session/test-session.ts'
import { stressTest } from '../../src/orchestration/stress-test.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

describe('applyTestContext', () => {
  test('the call wins over the context; explicit defaults win over context defaults', () => {
    const applied = applyTestContext(
      { url: 'http://127.0.0.1:1/', tool: 'native', thresholds: { maxP95Ms: 10 } },
      { users: 3 },
      { tool: 'k6', defaults: { users: 5, durationMs: 1000 }, thresholds: { maxP95Ms: 50, maxP99Ms: 80 } },
    )
    expect(applied.options).toMatchObject({ tool: 'native', thresholds: { maxP95Ms: 10 } })
    expect(applied.sharedThresholds).toEqual({ maxP95Ms: 50, maxP99Ms: 80 })
    expect(applied.defaults).toEqual({ users: 3, durationMs: 1000 })
  })

  test('joins the test signal with the call signal', () => {
    const test = new AbortController()
    const call = new AbortController()
    const { options } = applyTestContext({ url: 'http://127.0.0.1:1/', signal: call.signal }, undefined, {
      signal: test.signal,
    })
    expect(options.signal?.aborted).toBe(false)
    test.abort()
    expect(options.signal?.aborted).toBe(true)
  })

  test('without a context, changes nothing', () => {
    const options = { url: 'http://127.0.0.1:1/' }
    expect(applyTestContext(options, undefined, undefined)).toEqual({
      options,
      defaults: undefined,
      sharedThresholds: undefined,
    })
  })

  test('mergeThresholds replaces per key, later layers last', () => {
    expect(mergeThresholds({ maxP95Ms: 1, http_reqs: ['rate>1'] }, undefined, { maxP95Ms: 2 })).toEqual({
      maxP95Ms: 2,
      http_reqs: ['rate>1'],
    })
    expect(mergeThresholds(undefined, undefined)).toBeUndefined()
  })
})

describe('loadTest inside a test context', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())
  afterEach(() => setCurrentTestContext(undefined))

  test('takes defaults and thresholds from the context and hands its result to the tracker', async () => {
    const tracked: Promise<LoadTestResult>[] = []
    setCurrentTestContext({
      defaults: { users: 2 },
      thresholds: { http_reqs: ['count>0'] },
      track: (run) => tracked.push(run),
    })
    const result = await loadTest({ url: `${server.url}/`, requests: 20 })
    expect(result.options.users).toBe(2)
    expect(result.thresholds[0]).toEqual({ expression: 'http_reqs: count>0', actual: 20, passed: true })
    expect(tracked).toHaveLength(1)
    expect(await tracked[0]).toBe(result)
  })

  test('stops when the test signal aborts and keeps the partial result', async () => {
    const controller = new AbortController()
    setCurrentTestContext({ signal: controller.signal })
    // 300 ms after the first request arrived: the generator's worker thread takes a moment to start.
    let armed = false
    server.setHandler((_request, response) => {
      response.end('ok')
      if (armed) return
      armed = true
      setTimeout(() => controller.abort(new Error('Test timed out')), 300)
    })
    const result = await loadTest({ url: `${server.url}/`, users: 2, duration: '3s' })
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
  })

  test('reports progress about once a second, and never for a run shorter than that', async () => {
    const seen: LoadProgress[] = []
    setCurrentTestContext({ onProgress: (progress) => seen.push(progress) })
    await loadTest({ url: `${server.url}/`, users: 1, duration: '1.3s' })
    // One tick at ~1 s; a second only if the machine stalls the end of the run by most of a second.
    expect(seen.length).toBeGreaterThanOrEqual(1)
    expect(seen.length).toBeLessThanOrEqual(2)
    expect(seen[0]).toMatchObject({ name: '/', durationMs: 1300, requests: expect.any(Number) })
    expect(seen[0]?.requests).toBeGreaterThan(0)
    seen.length = 0
    await loadTest({ url: `${server.url}/`, users: 1, requests: 5 })
    expect(seen).toEqual([])
  })

  test('annotates the test with each run’s numbers before its await returns; a stress test once, not per step', async () => {
    const annotations: { message: string; type: string }[] = []
    const session = beginTestSession({
      signal: new AbortController().signal,
      config: undefined,
      failOnThresholdsHint: 'hint',
      annotate: async (message, type) => {
        annotations.push({ message, type })
      },
    })
    try {
      const result = await loadTest({ url: `${server.url}/`, users: 1, requests: 20 })
      // Already there when the test's await returns: Vitest places it at that line.
      expect(annotations).toEqual([
        {
          message: expect.stringMatching(/^\/ \(native\): 20 requests, [\d.]+ rps, .*0\.00% errors/),
          type: 'perfspec',
        },
      ])
      expect(annotations[0]?.message).toContain(`${result.metrics.totalRequests} requests`)
      await stressTest({
        url: `${server.url}/`,
        startUsers: 1,
        stepUsers: 1,
        maxUsers: 2,
        stepDuration: '300ms',
      })
      expect(annotations).toHaveLength(2)
      expect(annotations[1]?.message).toMatch(/^\/ \(stress, native\): (held up to 2 users|broke at)/)
    } finally {
      await session.end()
    }
  })
})
