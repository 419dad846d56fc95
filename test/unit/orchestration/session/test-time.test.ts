import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError, TestTimeoutTooShortError } from '../../../../src/foundation/errors.ts'
import { loadTest } from '../../../../src/orchestration/load-test.ts'
import {
  beginTestSession,
  suggestTimeoutMs,
  type TestSession,
} from '../../../../src/orchestration/session/test-session.ts'
import { startServer, type TestServer } from '../../../helpers/servers.ts'

describe("a run longer than its test's timeout", () => {
  let session: TestSession | undefined
  let server: TestServer | undefined
  afterEach(async () => {
    await session?.end()
    await server?.close()
  })

  const begin = (testTimeoutMs: number) => {
    session = beginTestSession({
      signal: new AbortController().signal,
      config: undefined,
      failOnThresholdsHint: 'n/a',
      testTimeoutMs,
      howToRaiseTimeout: (neededMs) => `give it ${suggestTimeoutMs(neededMs)} ms`,
    })
  }

  it('is refused before any request, naming the duration, the timeout and how to raise it', async () => {
    server = await startServer()
    begin(1000)
    const error = await loadTest({ url: server.url, users: 1, duration: '3s' }).catch(
      (thrown: unknown) => thrown,
    )
    expect(isPerfError(error, 'PERF_TEST_TIMEOUT_TOO_SHORT')).toBe(true)
    expect(error).toMatchObject({ durationMs: 3000, testTimeoutMs: 1000 })
    expect((error as Error).message).toBe(
      "This 3 s load run cannot finish within its test's 1 s timeout, so nothing was sent. " +
        'Raise the timeout: give it 10000 ms — or shorten `duration`.',
    )
    expect(server.count).toBe(0)
  })

  it('counts the time earlier runs of the test took', async () => {
    server = await startServer()
    // 1 s (+ 250 ms of overhead) fits the 1.5 s alone, not after a 0.6 s run; a busy machine only makes the
    // earlier run longer, and so what is left shorter.
    begin(1500)
    const earlier = await loadTest({ url: server.url, users: 1, duration: '0.6s' })
    const countBefore = server.count
    const error = await loadTest({ url: server.url, users: 1, duration: '1s' }).catch(
      (thrown: unknown) => thrown,
    )
    expect(earlier.aborted).toBe(false)
    expect(isPerfError(error, 'PERF_TEST_TIMEOUT_TOO_SHORT')).toBe(true)
    expect((error as TestTimeoutTooShortError).remainingMs).toBeLessThanOrEqual(1500 - 600)
    expect((error as Error).message).toMatch(/1\.5 s timeout, \d+(\.\d)? s of it left, so nothing was sent/)
    expect(server.count).toBe(countBefore)
  })

  it('lets a run that fits go, and leaves runs bounded by requests alone unchecked', async () => {
    server = await startServer()
    begin(2000)
    const fits = await loadTest({ url: server.url, users: 1, duration: '0.5s' })
    const counted = await loadTest({ url: server.url, users: 1, requests: 5 })
    expect([fits.aborted, counted.metrics.totalRequests]).toEqual([false, 5])
  })

  it('says when waiting for another run took the time', () => {
    const error = new TestTimeoutTooShortError({
      durationMs: 5000,
      testTimeoutMs: 10_000,
      remainingMs: 2000,
      howToRaise: 'more',
      waitedMs: 8000,
    })
    expect(error.message).toContain(
      '10 s timeout, 2 s of it left after waiting 8 s for another perfspec load run',
    )
  })

  it('suggests a timeout with room to spare', () => {
    expect([suggestTimeoutMs(5250), suggestTimeoutMs(60_250)]).toEqual([20_000, 80_000])
  })
})
