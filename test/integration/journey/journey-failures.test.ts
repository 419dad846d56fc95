import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions, NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'

let server: JourneyServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('journey failures, transport %s', (transport) => {
  const load = (options: Omit<LoadTestOptions, 'url'>) =>
    loadTest({ url: server!.url, transport, users: 2, ...options })

  it('a missing template var is a `template` failure of its step, not sent, not a request, and ends the iteration', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 40,
      steps: [
        { name: 'first', path: '/first' },
        { name: 'item', path: '/items/{{nope}}' },
        { name: 'after', path: '/after' },
      ],
    })
    const item = result.endpoints!['item']!
    const unsent = item.notSent?.template
    expect(item.totalRequests).toBe(0)
    expect(unsent?.sampleMessages[0]).toContain('{{nope}}')
    expect(server.perRoute.get('/items')).toBeUndefined()
    expect(server.perRoute.get('/after')).toBeUndefined()
    expect(result.endpoints!['after']!.totalRequests).toBe(0)
    expect(result.endpoints!['first']!.totalRequests).toBe(server.perRoute.get('/first'))
    // `requests` counts the tries: half of them went out.
    expect(server.perRoute.get('/first')! + unsent!.count).toBe(40)
    expect(result.metrics.totalRequests).toBe(server.perRoute.get('/first'))
    expect(result.scenarios!['default']!.failedIterations).toBe(unsent?.count)
    expect(result.scenarios!['default']!.iterations).toBe(0)
  })

  it('a rendered header value with CR/LF is a `template` failure, never on the wire', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 10,
      data: [{ evil: 'x\r\nx-injected: 1' }],
      steps: [{ name: 'evil', path: '/evil', headers: { 'x-value': '{{evil}}' } }],
    })
    expect(result.endpoints!['evil']!.notSent?.template?.count).toBe(10)
    expect(result.endpoints!['evil']!.totalRequests).toBe(0)
    expect(server.count).toBe(0)
  })

  it('a capture that finds nothing is `capture_failed`, and the next step is not sent', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 20,
      steps: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { user: 'a' },
          capture: { token: 'json:data.missing' },
        },
        { name: 'item', path: '/items/1', headers: { authorization: 'Bearer {{token}}' } },
      ],
    })
    const login = result.endpoints!['login']!
    expect(login.totalRequests).toBe(20)
    expect(login.errorsByType.capture_failed?.count).toBe(20)
    expect(login.statusCodes).toEqual({ '200': 20 })
    expect(server.perRoute.get('/items')).toBeUndefined()
  })

  it('a throwing step function is `step_function`, not sent', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 10,
      steps: [
        {
          name: 'boom',
          path: () => {
            throw new Error('no path today')
          },
        },
      ],
    })
    const boom = result.endpoints!['boom']!
    expect(boom.notSent?.step_function?.count).toBe(10)
    expect(boom.notSent?.step_function?.sampleMessages[0]).toContain('no path today')
    expect(boom.totalRequests).toBe(0)
    expect(server.count).toBe(0)
  })

  it("a step's own timeout cuts it as `timeout`, the other steps keep the run's", async () => {
    server = await startJourneyServer()
    server.setHandler((request, response) => {
      if (request.url === '/stall') return // never answers
      response.end('ok')
    })
    const result = await load({
      duration: '1s',
      steps: [
        { name: 'quick', path: '/quick' },
        { name: 'stall', path: '/stall', timeout: '150ms' },
      ],
    })
    const stall = result.endpoints!['stall']!
    expect(stall.totalRequests).toBeGreaterThan(0)
    expect(stall.errorsByType.timeout?.count).toBe(stall.totalRequests)
    expect(result.endpoints!['quick']!.failedRequests).toBe(0)
  })

  it('an already aborted run still lists every endpoint and scenario, empty', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 5,
      signal: AbortSignal.abort(),
      steps: [{ name: 'a', path: '/a' }],
      thresholds: { 'http_req_duration{name:a}': ['p(95)<100'] },
    })
    expect(result.aborted).toBe(true)
    expect(result.endpoints!['a']!.totalRequests).toBe(0)
    expect(result.scenarios!['default']!.iterations).toBe(0)
    expect(result.thresholds[0]!.passed).toBe(false)
  })

  it('an unexpected status fails the step and ends the iteration', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 30,
      steps: [
        { name: 'item', path: '/items/1' },
        { name: 'never', path: '/never' },
      ],
    })
    expect(result.endpoints!['item']!.errorsByType.http_4xx?.count).toBe(30)
    expect(server.perRoute.get('/never')).toBeUndefined()
  })
})

describe('journey options refused before any traffic', () => {
  it('a bad step option is a PerfError naming it, and nothing is sent', async () => {
    server = await startJourneyServer()
    const error = await loadTest({
      url: server.url,
      requests: 5,
      steps: [{ path: '/x', capture: { t: 'xml:a' } }],
    }).catch((caught: unknown) => caught)
    expect(isPerfError(error) && error.code).toBe('PERF_INVALID_OPTION')
    expect((error as Error).message).toContain('steps[0].capture.t')
    expect(server.count).toBe(0)
  })

  it('function fields with workers are a PerfError naming the field', async () => {
    server = await startJourneyServer()
    const error = await loadTest({
      url: server.url,
      users: 2,
      workers: 2,
      requests: 5,
      steps: [{ path: '/x' }, { path: '/y', body: () => ({}) }],
    }).catch((caught: unknown) => caught)
    expect(isPerfError(error) && error.code).toBe('PERF_INVALID_OPTION')
    expect((error as { option?: string }).option).toBe('steps[1].body')
    expect(server.count).toBe(0)
  })
})
