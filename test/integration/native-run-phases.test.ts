import { afterEach, describe, expect, it } from 'vitest'
import type { NativeTransport } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('the end of a timed run, transport %s', (transport) => {
  it("keeps the last second within 3× the run's p50, with no sliver of a point after it", async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 4, duration: '2s', transport })
    const last = result.timeline.at(-1)!
    // The requests in flight at the end land in the last whole second.
    expect(result.timeline.map((point) => point.second)).toEqual([0, 1])
    expect(last.requests).toBeGreaterThan(100)
    expect(last.p50 / result.metrics.responseTimes.p50).toBeLessThanOrEqual(3)
    expect(result.timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(result.metrics.totalRequests)
  })
})

describe('warm-up and steady state', () => {
  it('sends the warm-up but leaves it out of metrics and thresholds; the timeline shows it', async () => {
    // Slow for the first second of load (a cold cache), fast after it.
    let firstAt: number | undefined
    server = await startServer((_request, response) => {
      firstAt ??= performance.now()
      if (performance.now() - firstAt < 1000) setTimeout(() => response.end('cold'), 40)
      else response.end('ok')
    })
    const result = await loadTest({
      url: server.url,
      users: 2,
      warmup: '1s',
      duration: '1s',
      thresholds: { maxP95Ms: 20 },
    })
    const warmup = result.timeline.filter((point) => point.phase === 'warmup')
    const steady = result.timeline.filter((point) => point.phase === 'steady')
    expect(warmup.map((point) => point.second)).toEqual([0])
    expect(steady.map((point) => point.second)).toEqual([1])
    expect(warmup[0]!.p50).toBeGreaterThanOrEqual(40)
    // Sent and answered, not measured: the server saw more than the metrics count.
    expect(server.count).toBeGreaterThanOrEqual(result.metrics.totalRequests + warmup[0]!.requests)
    expect(result.metrics.responseTimes.p95).toBeLessThan(20)
    expect(result.thresholds.every((threshold) => threshold.passed)).toBe(true)
    expect(result.success).toBe(true)
    // The metrics cover the steady second only.
    expect(result.metrics.durationMs).toBeGreaterThan(900)
    expect(result.metrics.durationMs).toBeLessThan(1500)
  })

  it('leaves the ramp-up out of the metrics by default and counts it with `measureRampUp`', async () => {
    server = await startServer()
    const run = (measureRampUp: boolean) =>
      loadTest({ url: server!.url, users: 4, rampUp: '1s', duration: '2s', measureRampUp })
    const steadyOnly = await run(false)
    expect(steadyOnly.timeline.map((point) => point.phase)).toEqual(['rampUp', 'steady'])
    const steadyRequests = steadyOnly.timeline[1]!.requests
    // The cut comes a moment after the second's tick: a few requests of the steady second fall before it.
    expect(Math.abs(steadyOnly.metrics.totalRequests - steadyRequests)).toBeLessThan(steadyRequests * 0.1)
    const whole = await run(true)
    expect(whole.timeline.map((point) => point.phase)).toEqual(['steady', 'steady'])
    expect(whole.metrics.totalRequests).toBe(whole.timeline[0]!.requests + whole.timeline[1]!.requests)
  })
})
