import { afterEach, describe, expect, it } from 'vitest'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('where the native generator runs', () => {
  it('runs in a worker thread of its own by default, off the thread of an app in the test', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 2, requests: 50 })
    expect(result.generator?.thread).toBe('worker')
    expect(result.metrics.successfulRequests).toBe(50)
    expect(server.count).toBe(50)
    expect(result.warnings.join('\n')).not.toMatch(/own thread/)
  })

  it('runs in the calling thread with a `check` function, and says so', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 2, requests: 20, check: () => true })
    expect(result.generator?.thread).toBe('main')
    expect(result.metrics.successfulRequests).toBe(20)
    expect(result.warnings.join('\n')).toMatch(
      /ran in the test’s own thread: a `check` function cannot cross/,
    )
  })

  it('runs in the calling thread with `workers: 0`, as asked, without a warning', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 2, requests: 20, workers: 0 })
    expect(result.generator?.thread).toBe('main')
    expect(result.warnings.join('\n')).not.toMatch(/own thread/)
  })
})

describe('open-model lateness', () => {
  it('reports how late the scheduled sends went out', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, rate: 200, duration: '1s', maxUsers: 20 })
    const lateness = result.generator?.latenessMs
    expect(lateness).toBeDefined()
    expect(lateness!.p50).toBeGreaterThanOrEqual(0)
    expect(lateness!.p99).toBeGreaterThanOrEqual(lateness!.p50)
    expect(lateness!.max).toBeGreaterThanOrEqual(lateness!.p99)
    expect(result.metrics.totalRequests).toBe(200)
  })

  it('keeps no lateness for the closed model, which sends as each response ends', async () => {
    server = await startServer()
    const result = await loadTest({ url: server.url, users: 2, duration: '500ms' })
    expect(result.generator?.latenessMs).toBeUndefined()
  })
})
