import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { compareBenchmarks } from '../../src/orchestration/bench/compare-benchmarks.ts'
import { benchmark } from '../../src/orchestration/benchmark.ts'
import { PerformanceClient } from '../../src/orchestration/client.ts'
import { toBeFasterThan } from '../../src/presentation/matchers/stress-bench.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('HTTP benchmark', () => {
  it('sends warmup + requests, and reports avgTime, throughput and the full metrics', async () => {
    server = await startServer(delayed(2))
    const result = await benchmark({ url: `${server.url}/item`, requests: 200, concurrency: 2, warmup: 10 })
    expect(server.count).toBe(210)
    expect(result).toMatchObject({ kind: 'benchmark', target: 'http', name: '/item', concurrency: 2 })
    expect(result.iterations).toBe(200)
    expect(result.metrics.totalRequests).toBe(200)
    expect(result.avgTime).toBe(result.metrics.responseTimes.mean)
    expect(result.avgTime).toBeGreaterThanOrEqual(2)
    expect(result.throughput).toBe(result.metrics.rps)
    expect(result.stats).toMatchObject({
      mean: result.metrics.responseTimes.mean,
      p50: result.metrics.responseTimes.p50,
      p99: result.metrics.responseTimes.p99,
      samples: 200,
    })
    expect(result.stats.rme).toBeGreaterThan(0)
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  it("runs on a client's base URL: client.benchmark('/path', { requests })", async () => {
    const paths: string[] = []
    server = await startServer((request, response) => {
      paths.push(request.url ?? '')
      response.end('ok')
    })
    const client = new PerformanceClient({ baseUrl: `${server.url}/api/` })
    const result = await client.benchmark('health', { requests: 50, warmup: 0 })
    await client.close()
    expect(result.iterations).toBe(50)
    expect(new Set(paths)).toEqual(new Set(['/api/health']))
  })

  it('compares two endpoints by Welch: the 20 ms one is slower, significantly', async () => {
    server = await startServer((request, response) => {
      setTimeout(() => response.end('ok'), request.url === '/slow' ? 20 : 1)
    })
    const fast = await benchmark({ url: `${server.url}/fast`, requests: 60, warmup: 5 })
    const slow = await benchmark({ url: `${server.url}/slow`, requests: 60, warmup: 5 })
    const [pair] = compareBenchmarks([slow, fast]).comparisons
    expect(pair).toMatchObject({ faster: '/fast', slower: '/slow', test: 'welch', significant: true })
    expect(toBeFasterThan.call({ isNot: false }, fast, slow).pass).toBe(true)
  })

  it('rejects bad options before any request is sent', async () => {
    server = await startServer()
    for (const [options, option] of [
      [{ url: server.url, requests: 0 }, 'requests'],
      [{ url: server.url, concurrency: 1.5 }, 'concurrency'],
      [{ url: server.url, warmup: -1 }, 'warmup'],
      [{ url: server.url, users: 3 }, 'users'],
      [{ url: 'ftp://example' }, 'url'],
    ] as const) {
      const error = await benchmark(options as never).catch((caught: unknown) => caught)
      expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
      expect((error as { option: string }).option).toBe(option)
    }
    expect(server.count).toBe(0)
  })
})
