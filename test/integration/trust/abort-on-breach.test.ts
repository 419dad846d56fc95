import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { delayed, startServer, type TestServer } from '../../helpers/servers.ts'

describe('abortOnFail: a breached threshold stops the run', () => {
  let slow: TestServer
  beforeAll(async () => {
    slow = await startServer(delayed(20))
  })
  afterAll(() => slow.close())

  // The looks come once a second: at the first, on a quiet machine (`npm run bench`: bench/quiet-claims.mjs).
  // A busy machine may delay a look; the claim here is that the breach stops the 10 s run.
  it('stops the run at a look after the breach, keeping the partial metrics', async () => {
    const result = await loadTest({
      url: `${slow.url}/`,
      users: 2,
      duration: '10s',
      thresholds: { http_req_duration: [{ threshold: 'p(95)<5', abortOnFail: true }, 'avg<1000'] },
    })
    expect(result.aborted).toBe(true)
    expect(result.abortedBy).toBe('http_req_duration: p(95)<5')
    expect(result.success).toBe(false)
    // Breached from the first request: stopped at a look, well before the run's 10 s.
    expect(result.durationMs).toBeLessThan(5000)
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(20)
    // The other thresholds are judged on what was measured.
    expect(result.thresholds).toContainEqual(
      expect.objectContaining({ expression: 'http_req_duration: avg<1000', passed: true }),
    )
    expect(result.thresholds[0]).toMatchObject({ expression: 'http_req_duration: p(95)<5', passed: false })
  })

  it('waits delayAbortEval before the first look (seed spelling)', async () => {
    const result = await loadTest({
      url: `${slow.url}/`,
      users: 2,
      duration: '10s',
      thresholds: { maxP95Ms: { limit: 5, abortOnFail: true, delayAbortEval: '2s' } },
    })
    expect(result.abortedBy).toBe('maxP95Ms: 5')
    // Not looked at before 2 s, on any machine; stopped at a look after it, well before the run's 10 s.
    expect(result.durationMs).toBeGreaterThanOrEqual(1800)
    expect(result.durationMs).toBeLessThan(6000)
  })

  it('lets a run whose thresholds hold go to its end', async () => {
    const result = await loadTest({
      url: `${slow.url}/`,
      users: 1,
      duration: '1.2s',
      thresholds: { http_req_duration: [{ threshold: 'p(95)<1000', abortOnFail: true }] },
    })
    expect(result.aborted).toBe(false)
    expect(result.abortedBy).toBeUndefined()
    expect(result.success).toBe(true)
  })
})
