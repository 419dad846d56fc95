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
  // On a busy machine a step's throughput and p95 move with the neighbours' load, so the server's limit is made
  // loud: 4 requests at a time of 100 ms each. Up to 4 users are served at once; from 6 on, throughput stays
  // at 40 req/s (the rps criterion); at 10 every request waits two rounds (p95 3× the first step's). Within one
  // step of a 20 ms server's limit, on a quiet machine: `npm run bench` (bench/quiet-claims.mjs).
  it('finds the break point of a server that serves 4 requests at a time: past 4 users, by 12', async () => {
    server = await startServer(concurrencyLimited(4, 100))
    const result = await stressTest({ url: server.url, ...byTwos(16, '1s') })
    expect(result.kind).toBe('stress')
    expect(result.success).toBe(false)
    expect(result.breakPoint).not.toBeNull()
    const { users, criterion, cause } = result.breakPoint!
    expect(users, result.breakPoint!.reason).toBeGreaterThanOrEqual(6)
    expect(users, result.breakPoint!.reason).toBeLessThanOrEqual(12)
    expect(['rps', 'p95']).toContain(criterion)
    // Steps ran back to back from startUsers and stopped at the break.
    expect(result.steps.map((step) => step.users)).toEqual(
      Array.from({ length: users / 2 }, (_, index) => 2 * (index + 1)),
    )
    expect(result.maxUsersReached).toBe(users)
    // A generator starved by its neighbours (event-loop lag p99 ≥ 50 ms) makes the break its own: the
    // matcher then fails on it, whichever reading.
    expect(toHaveBreakPointAbove.call({ isNot: false }, result, 4).pass).toBe(cause === 'target')
    expect(toHaveBreakPointAbove.call({ isNot: false }, result, users).pass).toBe(false)
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
    // Only the error rate: a busy machine's p95 and throughput may give a step earlier than the server does.
    const result = await stressTest({
      url: server.url,
      ...byTwos(8, '500ms'),
      breakOn: { maxP95Ratio: false, minThroughputScaling: false },
    })
    expect(result.breakPoint?.criterion).toBe('errorRatePercent')
    expect(result.breakPoint?.users).toBe(6)
    expect(result.breakPoint?.reason).toMatch(/^error rate \d+(\.\d)?% > 5%$/)
    expect(result.breakPoint?.metrics.statusCodes['503']).toBeGreaterThan(0)
  })

  it('holds up to maxUsers when nothing breaks, and routes steps through the client', async () => {
    server = await startServer(concurrencyLimited(100, 10))
    const client = new PerformanceClient({ baseUrl: server.url })
    // Nothing breaks by count (no errors); p95 and throughput, which a busy machine moves, are not asked.
    const result = await client.stressTest({
      url: '/steady',
      startUsers: 1,
      stepUsers: 1,
      maxUsers: 3,
      stepDuration: '400ms',
      breakOn: { maxP95Ratio: false, minThroughputScaling: false },
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
