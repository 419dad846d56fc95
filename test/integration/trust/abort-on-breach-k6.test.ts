import { afterAll, beforeAll, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { delayed, startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

await describeWithTool(new K6Adapter(), 'abortOnFail through k6 (its own abortOnFail)', () => {
  let slow: TestServer
  beforeAll(async () => {
    slow = await startServer(delayed(20))
  })
  afterAll(() => slow.close())

  it('stops k6 when the threshold is breached and keeps the partial result, marked by that threshold', async () => {
    const result = await loadTest({
      url: `${slow.url}/`,
      tool: 'k6',
      users: 2,
      duration: '20s',
      thresholds: { http_req_duration: [{ threshold: 'p(95)<5', abortOnFail: true }] },
    })
    expect(result.aborted).toBe(true)
    expect(result.abortedBy).toBe('http_req_duration: p(95)<5')
    expect(result.durationMs).toBeLessThan(15_000)
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(result.thresholds).toContainEqual(
      expect.objectContaining({ expression: 'k6 http_req_duration: p(95)<5', passed: false }),
    )
  }, 30_000)

  it('stops a journey on a threshold of one of its endpoints (tagged), and says which', async () => {
    const result = await loadTest({
      url: slow.url,
      tool: 'k6',
      users: 2,
      duration: '20s',
      steps: [{ name: 'slow', path: '/' }],
      thresholds: { 'http_req_duration{name:slow}': [{ threshold: 'p(95)<5', abortOnFail: true }] },
    })
    expect(result.aborted).toBe(true)
    expect(result.abortedBy).toBe('http_req_duration{name:slow}: p(95)<5')
    expect(result.durationMs).toBeLessThan(15_000)
    expect(result.endpoints?.slow?.totalRequests).toBeGreaterThan(0)
    expect(result.thresholds).toContainEqual(
      expect.objectContaining({ expression: 'k6 http_req_duration{name:slow}: p(95)<5', passed: false }),
    )
  }, 30_000)
})
