import { afterEach, describe, expect, it } from 'vitest'
import { MAX_BACKOFF_MS } from '../../../src/engine/transports/backoff.ts'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['fast', 'undici']

/** The most tries `users` can make in `ms` once their back-off reached its cap, with slack for the climb. */
function backedOffTries(users: number, ms: number): number {
  return users * (ms / MAX_BACKOFF_MS + 10)
}

describe.each(TRANSPORTS)('a request that never reached the wire (transport %s)', (transport) => {
  it('is counted in `notSent`, not as a request, and failing users back off instead of spinning', async () => {
    server = await startServer()
    const counts = countPaths(server)
    const users = 2
    const result = await loadTest({
      url: server.url,
      transport,
      users,
      duration: '1s',
      steps: [{ name: 'item', path: '/items/{{nope}}' }],
    })
    expect(server.count).toBe(0)
    expect(counts.size).toBe(0)
    // Nothing went out: no request, no failure, no throughput.
    expect(result.metrics.totalRequests).toBe(0)
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.metrics.rps).toBe(0)
    expect(result.metrics.errorsByType.template).toBeUndefined()
    const unsent = result.metrics.notSent?.template
    expect(unsent?.sampleMessages[0]).toContain('{{nope}}')
    expect(result.endpoints?.['item']?.notSent?.template?.count).toBe(unsent?.count)
    expect(result.endpoints?.['item']?.totalRequests).toBe(0)
    // Before: 60,000–106,000 a second. Backing off (5 ms doubling to 100 ms), a user tries about 10 times a second.
    expect(unsent?.count).toBeGreaterThan(users)
    expect(unsent?.count).toBeLessThanOrEqual(backedOffTries(users, 1000))
    expect(result.scenarios?.['default']?.failedIterations).toBe(unsent?.count)
    // No request succeeded: the error budget fails the run; a warning says where they went.
    expect(result.success).toBe(false)
    expect(result.warnings.join('\n')).toMatch(/requests were never sent \(template \d+\)/)
  })

  it('a step function that throws is `notSent.step_function`; the steps before it are counted as sent', async () => {
    server = await startServer()
    const counts = countPaths(server)
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      duration: '1s',
      workers: 0,
      errorBudget: false,
      steps: [
        { name: 'first', path: '/first' },
        {
          name: 'boom',
          path: () => {
            throw new Error('no path today')
          },
        },
      ],
    })
    const first = counts.get('/first') ?? 0
    expect(counts.size).toBe(1)
    expect(result.metrics.totalRequests).toBe(first)
    expect(result.endpoints?.['first']?.successfulRequests).toBe(first)
    const unsent = result.endpoints?.['boom']?.notSent?.step_function
    expect(unsent?.sampleMessages[0]).toContain('no path today')
    // Each try is one real request and one that never went out.
    expect(Math.abs((unsent?.count ?? 0) - first)).toBeLessThanOrEqual(1)
    // The real request resets the back-off: a 5 ms pause per iteration, not a spin.
    expect(first).toBeLessThanOrEqual(1000 / 5 + 10)
  })

  it('the open model does not back off: its arrivals pace the tries', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      transport,
      rate: 200,
      duration: '1s',
      errorBudget: false,
      steps: [{ name: 'item', path: '/items/{{nope}}' }],
    })
    expect(server.count).toBe(0)
    expect(result.metrics.totalRequests).toBe(0)
    // About 200 arrivals, each one try; none dropped for a user held in back-off.
    expect(result.metrics.notSent?.template?.count).toBeGreaterThan(100)
    expect(result.metrics.notSent?.template?.count).toBeLessThanOrEqual(201)
  })

  it('`requests` counts tries that never went out too: a broken template cannot run forever', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 12,
      steps: [{ name: 'item', path: '/items/{{nope}}' }],
    })
    expect(result.metrics.notSent?.template?.count).toBe(12)
    expect(result.metrics.totalRequests).toBe(0)
    expect(server.count).toBe(0)
  })
})
