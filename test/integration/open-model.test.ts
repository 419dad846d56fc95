import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'
import { type StallServer, startStallServer } from '../helpers/stall-server.ts'

let server: TestServer | undefined
let stallServer: StallServer | undefined
afterEach(async () => {
  await server?.close()
  await stallServer?.close()
  server = undefined
  stallServer = undefined
})

/** Ratio of measured to expected, minus one. */
function relativeError(measured: number, expected: number): number {
  return Math.abs(measured - expected) / expected
}

describe('open model: coordinated omission', () => {
  // Truth: 30% of requests arrive during a stall and wait for its end, uniformly 0..300 ms, plus ~1-5 ms of
  // service and release: p90 = 200 + ~5, p99 = 290 + ~1.
  it('reports p90 and p99 of a server that stalls 300 ms every second within 5% of the truth', async () => {
    stallServer = await startStallServer({ periodMs: 1000, stallMs: 300 })
    // Warm the engine (JIT, first connections) as any benchmark would; measure three whole periods.
    await loadTest({ url: stallServer.url, rate: 1000, duration: '1s', maxUsers: 500 })
    await stallServer.holdTimes()
    const result = await loadTest({ url: stallServer.url, rate: 1000, duration: '3s', maxUsers: 500 })
    // What the server did, to tell a wrong measurement from a disturbed machine when this fails.
    const held = (await stallServer.holdTimes()).sort((a, b) => a - b)
    const seen = `server held p90 ${held[Math.floor(held.length * 0.9)]?.toFixed(1)} ms, p99 ${held[Math.floor(held.length * 0.99)]?.toFixed(1)} ms; generator ${JSON.stringify(result.generator)}`

    expect(result.metrics.totalRequests + result.droppedIterations!).toBe(3000)
    expect(result.droppedIterations).toBe(0)
    expect(relativeError(result.metrics.responseTimes.p90, 205), seen).toBeLessThan(0.05)
    expect(relativeError(result.metrics.responseTimes.p99, 291), seen).toBeLessThan(0.05)
    // Enough users were idle for every request to leave on time: service time tells the same story.
    expect(relativeError(result.serviceTimes!.p90, 205)).toBeLessThan(0.05)
    expect(result.serviceTimes!.p50).toBeLessThanOrEqual(result.metrics.responseTimes.p50)
  })

  it('the closed model hides the same stall in its p99, and says so', async () => {
    stallServer = await startStallServer({ periodMs: 1000, stallMs: 300 })
    const result = await loadTest({ url: stallServer.url, users: 10, duration: '2s' })

    // Each user waits out a stall once per second: a handful of slow samples among thousands of fast ones.
    expect(result.metrics.responseTimes.p99).toBeLessThan(100)
    expect(result.metrics.responseTimes.max).toBeGreaterThan(150)
    expect(result.warnings.join('\n')).toMatch(/Coordinated omission likely hides tail latency/)
  })

  it('gives no coordinated-omission warning for a server with steady latency', async () => {
    // 30 ms per request: a scheduling hiccup of a busy machine stays well below the 2x a warning needs.
    server = await startServer(delayed(30))
    const result = await loadTest({ url: server.url, users: 3, duration: '1s' })
    expect(result.warnings.join('\n')).not.toMatch(/Coordinated omission/)
  })
})

describe.each(['undici', 'fast'] as const)('open model: arrivals (transport: %s)', (transport) => {
  it('schedules exactly rate × duration requests over at most maxUsers connections', async () => {
    server = await startServer(delayed(1))
    const result = await loadTest({ url: server.url, rate: 200, duration: '1s', maxUsers: 20, transport })
    // A generator starved of CPU by a neighbour may find every user busy for a moment: those are dropped.
    expect(result.metrics.totalRequests + result.droppedIterations!).toBe(200)
    expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(190)
    expect(server.count).toBe(result.metrics.totalRequests)
    expect(server.remotePorts.size).toBeLessThanOrEqual(20)
    expect(result.options.rate).toBe(200)
    expect(result.options.maxUsers).toBe(20)
  })

  it('counts dropped iterations when the server is slower than the cap allows', async () => {
    // 5 users × 10 req/s each (100 ms per request) carry at most 50 of the 200 requests due.
    server = await startServer(delayed(100))
    const result = await loadTest({ url: server.url, rate: 200, duration: '1s', maxUsers: 5, transport })
    const dropped = result.droppedIterations!
    expect(dropped + result.metrics.totalRequests).toBe(200)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.metrics.totalRequests).toBeLessThanOrEqual(55)
    expect(dropped).toBeGreaterThanOrEqual(145)
    expect(result.timeline.every((point) => point.activeUsers <= 5)).toBe(true)
    expect(result.warnings.join('\n')).toMatch(/requests \(\d+(\.\d)?%\) were dropped/)
  })

  it('ramps the rate along stages: 0 → 200 req/s over 1 s sends 100 requests, three quarters late', async () => {
    const arrivals: number[] = []
    const start = performance.now()
    server = await startServer((_request, response) => {
      arrivals.push(performance.now() - start)
      response.end('ok')
    })
    const result = await loadTest({
      url: server.url,
      stages: [{ duration: '1s', target: 200 }],
      maxUsers: 20,
      transport,
    })
    expect(result.metrics.totalRequests + result.droppedIterations!).toBe(100)
    const first = arrivals[0]!
    // The integral of the ramp: 25 requests before 0.5 s, 75 after.
    const early = arrivals.filter((at) => at - first < 500).length
    expect(early).toBeGreaterThanOrEqual(20)
    expect(early).toBeLessThanOrEqual(30)
  })

  it('stops after `requests` arrivals', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, rate: 500, requests: 100, maxUsers: 20, transport })
    expect(result.metrics.totalRequests + result.droppedIterations!).toBe(100)
    expect(server.count).toBe(result.metrics.totalRequests)
    expect(result.durationMs).toBeLessThan(1000)
  })
})

describe('generator honesty', () => {
  it('records the generator as healthy when it idles between requests', async () => {
    server = await startServer(delayed(20))
    const result = await loadTest({ url: server.url, users: 2, duration: '1s' })
    expect(result.generator?.saturated).toBe(false)
    expect(result.generator?.eventLoopUtilization).toBeLessThan(0.9)
    expect(result.warnings.join('\n')).not.toMatch(/generator saturated/)
  })

  it('says so when the generator saturated', async () => {
    // The server shares the generator's thread (`workers: 0`) and burns 3 ms of CPU per request: the loop
    // never rests.
    server = await startServer((_request, response) => {
      const until = performance.now() + 3
      while (performance.now() < until) {}
      response.end('ok')
    })
    const result = await loadTest({ url: server.url, users: 4, duration: '1s', workers: 0 })
    expect(result.generator?.saturated).toBe(true)
    expect(result.generator?.eventLoopUtilization).toBeGreaterThanOrEqual(0.9)
    expect(result.warnings.join('\n')).toMatch(/The load generator saturated/)
  })
})

describe('monitor: { pid }', () => {
  it("samples a local process's CPU and RSS into the timeline", async () => {
    server = await startServer(delayed(2))
    const result = await loadTest({
      url: server.url,
      users: 2,
      duration: '1.5s',
      monitor: { pid: process.pid },
    })
    expect(result.timeline.length).toBeGreaterThanOrEqual(2)
    for (const point of result.timeline) {
      expect(point.appCpuPercent).toBeGreaterThanOrEqual(0)
      expect(point.appRssBytes).toBeGreaterThan(1_000_000)
    }
  })

  it('rejects a pid that names no process before any request is sent', async () => {
    server = await startServer()
    const error = await loadTest({
      url: server.url,
      users: 1,
      duration: '1s',
      monitor: { pid: 2 ** 31 - 1 },
    }).catch((caught: unknown) => caught)
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    expect((error as { option: string }).option).toBe('monitor.pid')
    expect(server.count).toBe(0)
  })
})
