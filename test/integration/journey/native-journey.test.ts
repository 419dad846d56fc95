import { afterEach, describe, expect, it } from 'vitest'
import type { LoadTestOptions, NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'

let server: JourneyServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('native journeys, transport %s', (transport) => {
  const load = (options: LoadTestOptions) => loadTest({ ...options, transport })

  it('counts each endpoint exactly as the server does, and captures flow (no 401s)', async () => {
    server = await startJourneyServer()
    const result = await load({
      url: server.url,
      users: 4,
      requests: 600,
      data: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }],
      steps: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { user: 'u{{user}}' },
          capture: { token: 'json:data.token' },
        },
        { name: 'item', path: '/items/{{id}}', headers: { authorization: 'Bearer {{token}}' } },
        {
          name: 'order',
          method: 'POST',
          path: (ctx) => `/orders?u=${ctx.user}`,
          headers: { authorization: 'Bearer {{token}}' },
          body: (ctx) => ({ qty: 1 + (ctx.iteration % 3) }),
          expectStatus: 201,
          capture: (response, ctx) => {
            ctx.vars['orderId'] = (JSON.parse(response.body) as { id: number }).id
          },
        },
      ],
    })
    expect(server.unauthorized).toBe(0)
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.metrics.totalRequests).toBe(600)
    const endpoints = result.endpoints!
    expect(Object.keys(endpoints)).toEqual(['login', 'item', 'order'])
    expect(endpoints['login']!.totalRequests).toBe(server.perRoute.get('/login'))
    expect(endpoints['item']!.totalRequests).toBe(server.perRoute.get('/items'))
    expect(endpoints['order']!.totalRequests).toBe(server.perRoute.get('/orders'))
    expect(endpoints['item']).toMatchObject({ method: 'GET', path: '/items/{{id}}' })
    expect(endpoints['order']!.statusCodes).toEqual({ '201': endpoints['order']!.totalRequests })
    expect(endpoints['item']!.timeline.length).toBeGreaterThan(0)
    expect([...server.itemIds].sort()).toEqual(['1', '2', '3', '4', '5'])
    expect(server.loginUsers).toEqual(new Set(['u0', 'u1', 'u2', 'u3']))
    const scenario = result.scenarios!['default']!
    // `requests` stops users mid-journey: up to one unfinished iteration per user.
    expect(scenario.iterations).toBeGreaterThanOrEqual(200 - 4)
    expect(scenario.iterations).toBeLessThanOrEqual(200)
    expect(scenario.failedIterations).toBe(0)
    expect(scenario.metrics.totalRequests).toBe(600)
    expect(scenario.iterationDuration.p50).toBeGreaterThan(0)
  })
})
