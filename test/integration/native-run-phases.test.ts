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

// The last second's p50 within 3× the run's is a quiet machine's claim (a busy one may slow any second):
// `npm run bench` (bench/trust-engine.mjs, "end of a timed run").
describe.each(TRANSPORTS)('the end of a timed run, transport %s', (transport) => {
  it('lands the requests in flight at the end in the last whole second, with no sliver of a point after it', async () => {
    server = await startServer()
    const users = 4
    const result = await loadTest({ url: server.url, users, duration: '2s', transport })
    const last = result.timeline.at(-1)!
    expect(result.timeline.map((point) => point.second)).toEqual([0, 1])
    // A whole second of load, not only the requests in flight at the end (one per user).
    expect(last.requests).toBeGreaterThan(10 * users)
    expect(last.p50).toBeLessThanOrEqual(result.metrics.responseTimes.max)
    expect(result.timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(result.metrics.totalRequests)
  })
})

describe('warm-up and steady state', () => {
  it('sends the warm-up but leaves it out of metrics and thresholds; the timeline shows it', async () => {
    // Cold for the first half second of load: it fails (503), then serves. Told apart by status, not by time,
    // so a busy machine cannot blur the two.
    let firstAt: number | undefined
    let coldAnswers = 0
    server = await startServer((_request, response) => {
      firstAt ??= performance.now()
      if (performance.now() - firstAt < 500) {
        coldAnswers++
        response.statusCode = 503
      }
      response.end('ok')
    })
    const started = performance.now()
    const result = await loadTest({
      url: server.url,
      users: 2,
      warmup: '1s',
      duration: '1s',
      thresholds: { maxErrorRatePercent: 0 },
    })
    // A wait for another run (the run lock) is not the run's.
    const runMs = performance.now() - started - (result.waitedMs ?? 0)
    const warmup = result.timeline.filter((point) => point.phase === 'warmup')
    const steady = result.timeline.filter((point) => point.phase === 'steady')
    expect(warmup.map((point) => point.second)).toEqual([0])
    expect(steady.map((point) => point.second)).toEqual([1])
    expect(coldAnswers).toBeGreaterThan(0)
    expect(warmup[0]!.errors).toBe(coldAnswers)
    // Sent and answered, not measured: the server saw more than the metrics count.
    expect(server.count).toBeGreaterThanOrEqual(result.metrics.totalRequests + warmup[0]!.requests)
    expect(result.metrics.statusCodes).toEqual({ '200': result.metrics.totalRequests })
    expect(result.thresholds.every((threshold) => threshold.passed)).toBe(true)
    expect(result.success).toBe(true)
    // The metrics cover the steady second only, not the two of the run: they start at the cut, which comes
    // a second into the load or later (a timer is never early; a busy machine only delays it), and the
    // warm-up's second is not in their time. Their time is the steady second's, 1000 ms on a quiet machine;
    // more than half of it on a busy one, where the cut may come late and the end on time.
    expect(result.metrics.durationMs).toBeLessThanOrEqual(runMs - 1000)
    expect(result.metrics.durationMs).toBeGreaterThan(500)
  })

  it('leaves the ramp-up out of the metrics by default and counts it with `measureRampUp`', async () => {
    server = await startServer()
    const run = (measureRampUp: boolean) =>
      loadTest({ url: server!.url, users: 4, rampUp: '1s', duration: '2s', measureRampUp })
    const steadyOnly = await run(false)
    expect(steadyOnly.timeline.map((point) => point.phase)).toEqual(['rampUp', 'steady'])
    const steadyRequests = steadyOnly.timeline[1]!.requests
    // The cut comes a moment after the second's tick (later on a busy machine): a few requests of the steady
    // second fall before it, none of the ramp-up's after it.
    expect(steadyOnly.metrics.totalRequests).toBeLessThanOrEqual(steadyRequests)
    expect(steadyOnly.metrics.totalRequests).toBeGreaterThan(steadyRequests / 2)
    const whole = await run(true)
    expect(whole.timeline.map((point) => point.phase)).toEqual(['steady', 'steady'])
    expect(whole.metrics.totalRequests).toBe(whole.timeline[0]!.requests + whole.timeline[1]!.requests)
  })
})
