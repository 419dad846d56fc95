import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { PerformanceClient } from '../../src/orchestration/client.ts'
import { runComparison } from '../../src/orchestration/compare-runs.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('runComparison', () => {
  it('runs configurations one after another and names the winner per metric', async () => {
    let inFlight = 0
    let peak = 0
    server = await startServer((request, response) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      setTimeout(
        () => {
          inFlight--
          response.end('ok')
        },
        request.url === '/slow' ? 20 : 1,
      )
    })
    const result = await runComparison({
      fast: { url: `${server.url}/fast`, users: 2, duration: '800ms' },
      slow: { url: `${server.url}/slow`, users: 2, duration: '800ms' },
    })
    // Never at once: the configurations did not compete for the target.
    expect(peak).toBeLessThanOrEqual(2)
    expect(result.baseline).toBe('fast')
    expect(result.runs.map((run) => run.name)).toEqual(['fast', 'slow'])
    const row = (metric: string) => result.table.find((candidate) => candidate.metric === metric)!
    expect(row('rps')).toMatchObject({ winner: 'fast', better: 'higher', unit: 'req/s' })
    expect(row('p50')).toMatchObject({ winner: 'fast', better: 'lower', unit: 'ms' })
    expect(row('p50').relativePercent.fast).toBe(0)
    expect(row('p50').relativePercent.slow).toBeGreaterThan(100)
    expect(row('errorRatePercent')).toMatchObject({
      winner: null,
      relativePercent: { fast: null, slow: null },
    })
    expect(result.success).toBe(true)
  })

  it("compares keep-alive on and off on a client's base URL", async () => {
    server = await startServer()
    const client = new PerformanceClient({ baseUrl: server.url })
    const result = await client.runComparison([
      { name: 'keep-alive', url: '/', users: 2, requests: 100 },
      { name: 'close', url: '/', users: 2, requests: 100, headers: { connection: 'close' } },
    ])
    await client.close()
    expect(result.runs.map(({ result: run }) => run.metrics.totalRequests)).toEqual([100, 100])
    // 2 connections for keep-alive, one per request for `connection: close`.
    expect(server.remotePorts.size).toBeGreaterThan(90)
    expect(result.table.map((row) => row.metric)).toEqual([
      'rps',
      'mean',
      'p50',
      'p95',
      'p99',
      'errorRatePercent',
    ])
  })

  it('validates every configuration before any request is sent', async () => {
    server = await startServer()
    const attempts = [
      [{ a: { url: server.url }, b: { url: server.url, users: -1 } }, 'b.users'],
      [[{ url: server.url }, { url: server.url }], 'configs'],
      [{ only: { url: server.url } }, 'configs'],
    ] as const
    for (const [configs, option] of attempts) {
      const error = await runComparison(configs as never).catch((caught: unknown) => caught)
      expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
      expect((error as { option: string }).option).toBe(option)
    }
    expect(server.count).toBe(0)
  })
})
