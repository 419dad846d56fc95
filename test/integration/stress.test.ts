import type http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import type { Duration } from '../../src/foundation/types.ts'
import { PerformanceClient } from '../../src/orchestration/client.ts'
import { stressTest } from '../../src/orchestration/stress-test.ts'
import { toHaveBreakPointAbove } from '../../src/presentation/matchers/stress-bench.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Serves at most `limit` requests at once, `serviceMs` each; the rest wait in line (FIFO). */
function concurrencyLimited(limit: number, serviceMs: number): http.RequestListener {
  let busy = 0
  const waiting: http.ServerResponse[] = []
  const serve = (response: http.ServerResponse): void => {
    busy++
    setTimeout(() => {
      response.end('ok')
      busy--
      const next = waiting.shift()
      if (next !== undefined) serve(next)
    }, serviceMs)
  }
  return (_request, response) => {
    if (busy < limit) serve(response)
    else waiting.push(response)
  }
}

/** Serves at most `limit` requests at once, `serviceMs` each; answers 503 to the rest. */
function concurrencyRejecting(limit: number, serviceMs: number): http.RequestListener {
  let busy = 0
  return (_request, response) => {
    if (busy >= limit) {
      response.statusCode = 503
      response.end('busy')
      return
    }
    busy++
    setTimeout(() => {
      busy--
      response.end('ok')
    }, serviceMs)
  }
}

/** Steps of two users from two users on. */
function byTwos(maxUsers: number, stepDuration: Duration) {
  return { startUsers: 2, stepUsers: 2, maxUsers, stepDuration }
}

describe('stressTest', () => {
  it('finds the break point of a server that serves 8 requests at a time, within one step', async () => {
    server = await startServer(concurrencyLimited(8, 20))
    const result = await stressTest({ url: server.url, ...byTwos(16, '1s') })
    expect(result.kind).toBe('stress')
    expect(result.success).toBe(false)
    expect(result.breakPoint).not.toBeNull()
    expect(result.breakPoint!.users).toBeGreaterThanOrEqual(6)
    expect(result.breakPoint!.users).toBeLessThanOrEqual(10)
    expect(['rps', 'p95']).toContain(result.breakPoint!.criterion)
    // Steps ran back to back from startUsers and stopped at the break.
    expect(result.steps.map((step) => step.users)).toEqual(
      Array.from({ length: result.breakPoint!.users / 2 }, (_, index) => 2 * (index + 1)),
    )
    expect(result.maxUsersReached).toBe(result.breakPoint!.users)
    expect(toHaveBreakPointAbove.call({ isNot: false }, result, 4).pass).toBe(true)
    expect(toHaveBreakPointAbove.call({ isNot: false }, result, 10).pass).toBe(false)
  })

  it("labels a break found while the generator was saturated as the generator's, and the matcher fails on it", async () => {
    // An app in the test's own thread that burns 2 ms of CPU per request, with the generator kept in that
    // thread (workers: 0): their shared event loop is always busy, as with an in-process app before.
    server = await startServer((_request, response) => {
      const until = performance.now() + 2
      while (performance.now() < until) {}
      response.end('ok')
    })
    const result = await stressTest({
      url: server.url,
      startUsers: 1,
      stepUsers: 3,
      maxUsers: 7,
      stepDuration: '1s',
      workers: 0,
    })
    expect(result.breakPoint).not.toBeNull()
    expect(result.breakPoint!.cause).toBe('generator')
    expect(result.warnings.join('\n')).toMatch(/is the load generator's limit, not the server's/)
    // Neither reading of the assertion passes on it.
    expect(toHaveBreakPointAbove.call({ isNot: false }, result, 1).pass).toBe(false)
    expect(toHaveBreakPointAbove.call({ isNot: true }, result, 100).pass).toBe(true)
  })

  it('breaks on the error rate when the server rejects what it cannot serve', async () => {
    server = await startServer(concurrencyRejecting(4, 10))
    const result = await stressTest({ url: server.url, ...byTwos(8, '500ms') })
    expect(result.breakPoint?.criterion).toBe('errorRatePercent')
    expect(result.breakPoint?.users).toBe(6)
    expect(result.breakPoint?.reason).toMatch(/^error rate \d+(\.\d)?% > 5%$/)
    expect(result.breakPoint?.metrics.statusCodes['503']).toBeGreaterThan(0)
  })

  it('holds up to maxUsers when nothing breaks, and routes steps through the client', async () => {
    server = await startServer(concurrencyLimited(100, 10))
    const client = new PerformanceClient({ baseUrl: server.url })
    const result = await client.stressTest({
      url: '/steady',
      startUsers: 1,
      stepUsers: 1,
      maxUsers: 3,
      stepDuration: '400ms',
    })
    await client.close()
    expect(result.breakPoint).toBeNull()
    expect(result.success).toBe(true)
    expect(result.maxUsersReached).toBe(3)
    expect(result.steps.map((step) => step.users)).toEqual([1, 2, 3])
    expect(result.tool).toBe('native')
    expect(result.name).toBe('/steady')
  })

  it('ends the steps at maxUsers even off the step grid', async () => {
    server = await startServer()
    const result = await stressTest({
      url: server.url,
      startUsers: 1,
      stepUsers: 3,
      maxUsers: 8,
      stepDuration: '100ms',
      breakOn: { maxErrorRatePercent: false, maxP95Ratio: false, minThroughputScaling: false },
    })
    expect(result.steps.map((step) => step.users)).toEqual([1, 4, 7, 8])
    expect(result.breakPoint).toBeNull()
  })

  it('rejects per-step options and bad criteria before any request is sent', async () => {
    server = await startServer()
    const attempts = [
      { url: server.url, maxUsers: 10, users: 5 },
      { url: server.url, maxUsers: 10, duration: '1s' },
      { url: server.url, maxUsers: 10, startUsers: 11 },
      { url: server.url, maxUsers: 0 },
      { url: server.url, maxUsers: 10, breakOn: { maxP95Ratio: -1 } },
      { url: server.url, maxUsers: 10, breakOn: { p99: 2 } },
      { url: server.url, maxUsers: 10, stepDuration: 'soon' as Duration },
    ]
    const options = [
      'users',
      'duration',
      'startUsers',
      'maxUsers',
      'breakOn.maxP95Ratio',
      'breakOn.p99',
      'stepDuration',
    ]
    for (const [index, attempt] of attempts.entries()) {
      const error = await stressTest(attempt as never).catch((caught: unknown) => caught)
      expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
      expect((error as { option: string }).option).toBe(options[index])
    }
    expect(server.count).toBe(0)
  })
})
