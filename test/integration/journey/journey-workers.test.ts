import { afterEach, describe, expect, it } from 'vitest'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'

// Worker threads load the built engine worker (dist/engine-worker.mjs): `npm test` builds first.

let server: JourneyServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('journeys in worker threads, transport %s', (transport) => {
  it('runs a plain-data journey in 2 workers: counts, captures, data and setup travel, results merge exactly', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 4,
      workers: 2,
      requests: 400,
      setup: () => ({ prefix: 'w' }),
      data: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      onStart: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { user: 'u{{user}}' },
          capture: { token: 'json:data.token' },
        },
      ],
      scenarios: [
        {
          name: 'browse',
          weight: 3,
          steps: [{ name: 'item', path: '/items/{{id}}', headers: { authorization: 'Bearer {{token}}' } }],
        },
        {
          name: 'buy',
          steps: [
            {
              name: 'order',
              method: 'POST',
              path: '/orders',
              headers: { authorization: 'Bearer {{token}}' },
              expectStatus: 201,
            },
          ],
        },
      ],
    })
    expect(result.metrics.totalRequests).toBe(400)
    expect(result.metrics.failedRequests).toBe(0)
    expect(server.unauthorized).toBe(0)
    expect(server.loginUsers).toEqual(new Set(['u0', 'u1', 'u2', 'u3']))
    const endpoints = result.endpoints!
    expect(endpoints['login']!.totalRequests).toBe(server.perRoute.get('/login'))
    expect(endpoints['item']!.totalRequests).toBe(server.perRoute.get('/items'))
    expect(endpoints['order']!.totalRequests).toBe(server.perRoute.get('/orders'))
    expect([...server.itemIds].sort()).toEqual(['a', 'b', 'c'])
    const timelineRequests = endpoints['item']!.timeline.reduce((sum, point) => sum + point.requests, 0)
    expect(timelineRequests).toBe(endpoints['item']!.totalRequests)
    const { browse, buy } = result.scenarios!
    // A scenario's requests include its users' onStart steps.
    expect(browse!.metrics.totalRequests + buy!.metrics.totalRequests).toBe(400)
    expect(browse!.iterations).toBe(endpoints['item']!.successfulRequests)
  })
})
