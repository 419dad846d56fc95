import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { afterCondition } from '../../helpers/after-first-request.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'

let server: JourneyServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('journey users, transport %s', (transport) => {
  it('runs onStart once per user; its capture serves every iteration', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 5,
      requests: 300,
      onStart: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { user: 'u{{user}}' },
          capture: { token: 'json:data.token' },
        },
      ],
      steps: [{ name: 'item', path: '/items/{{iteration}}', headers: { authorization: 'Bearer {{token}}' } }],
    })
    expect(server.perRoute.get('/login')).toBe(5)
    expect(result.endpoints!['login']!.totalRequests).toBe(5)
    expect(result.endpoints!['item']!.totalRequests).toBe(295)
    expect(result.endpoints!['item']!.failedRequests).toBe(0)
    expect(server.unauthorized).toBe(0)
    // iteration numbers per user: the server sees many distinct ids
    expect(server.itemIds.size).toBeGreaterThan(50)
  })

  it('ids from step functions vary: the server sees one per user and iteration', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 3,
      requests: 120,
      onStart: [
        {
          method: 'POST',
          path: '/login',
          body: { user: 'f{{user}}' },
          capture: { token: 'json:data.token' },
        },
      ],
      steps: [
        {
          name: 'item',
          path: (ctx) => `/items/${ctx.user}-${ctx.iteration}`,
          headers: { authorization: 'Bearer {{token}}' },
        },
      ],
    })
    expect(result.endpoints!['item']!.successfulRequests).toBe(117)
    expect(server.itemIds.size).toBe(117)
    expect(server.itemIds.has('0-0') && server.itemIds.has('2-0')).toBe(true)
  })

  it('a failing onStart is counted and retried before the first iteration', async () => {
    server = await startJourneyServer()
    let attempts = 0
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      requests: 6,
      onStart: [
        {
          name: 'login',
          method: 'POST',
          path: '/login',
          body: { user: 'a' },
          capture: (response, ctx) => {
            if (++attempts < 3) throw new Error('not yet')
            ctx.vars['token'] = (JSON.parse(response.body) as { data: { token: string } }).data.token
          },
        },
      ],
      steps: [{ name: 'item', path: '/items/1', headers: { authorization: 'Bearer {{token}}' } }],
    })
    const scenario = result.scenarios!['default']!
    expect(scenario.onStartFailures).toBe(2)
    expect(result.endpoints!['login']!.totalRequests).toBe(3)
    expect(result.endpoints!['item']!.successfulRequests).toBe(3)
    expect(server.unauthorized).toBe(0)
  })

  it('splits iterations 9:1 by weight: requests follow within ±10% over 3000 requests', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 20,
      requests: 3000,
      scenarios: [
        { name: 'browse', weight: 9, steps: [{ name: 'browse', path: '/browse' }] },
        { name: 'buy', weight: 1, steps: [{ name: 'buy', path: '/buy' }] },
      ],
    })
    const browse = server.perRoute.get('/browse')!
    const buy = server.perRoute.get('/buy')!
    expect(browse + buy).toBe(3000)
    expect(result.endpoints!['browse']!.totalRequests).toBe(browse)
    expect(result.scenarios!['buy']!.metrics.totalRequests).toBe(buy)
    expect(browse / buy).toBeGreaterThan(9 * 0.9)
    expect(browse / buy).toBeLessThan(9 * 1.1)
  })

  it('runs setup before the load and teardown after it, with setup’s value in ctx.setup', async () => {
    server = await startJourneyServer()
    const order: string[] = []
    const seen = new Set<unknown>()
    await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 10,
      setup: () => {
        order.push(`setup:${server!.count}`)
        return { prefix: 'p' }
      },
      teardown: (value) => {
        order.push(`teardown:${server!.count}:${(value as { prefix: string }).prefix}`)
      },
      steps: [
        {
          path: (ctx) => {
            seen.add((ctx.setup as { prefix: string }).prefix)
            return `/x/${ctx.user}`
          },
        },
      ],
    })
    expect(order).toEqual(['setup:0', 'teardown:10:p'])
    expect([...seen]).toEqual(['p'])
  })

  it('runs journeys in the open model: an arrival starts one iteration', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      rate: 100,
      maxUsers: 20,
      requests: 40,
      duration: '3s',
      steps: [
        { name: 'a', path: '/a' },
        { name: 'b', path: '/b' },
      ],
    })
    // An arrival that finds every user busy is dropped (and counted), never queued.
    const started = 40 - (result.droppedIterations ?? 0)
    expect(started).toBeGreaterThan(0)
    expect(result.scenarios!['default']!.iterations).toBe(started)
    expect(server.perRoute.get('/a')).toBe(started)
    expect(server.perRoute.get('/b')).toBe(started)
    expect(result.endpoints!['b']!.totalRequests).toBe(started)
  })

  it('takes think time between steps', async () => {
    server = await startJourneyServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      requests: 6,
      think: 20,
      steps: [{ path: '/a' }, { path: '/b' }],
    })
    // two steps, each followed by 20 ms: an iteration takes at least 40 ms
    expect(result.scenarios!['default']!.iterationDuration.min).toBeGreaterThanOrEqual(39)
  })

  it('an abort ends the run at once, think time or not, and teardown still runs', async () => {
    const journeyServer = await startJourneyServer()
    server = journeyServer
    const controller = new AbortController()
    let tornDown = false
    // Once both users sent their first step and went to think (a busy machine may take a while to get there).
    const trigger = afterCondition(
      () => journeyServer.perRoute.get('/a') === 2,
      300,
      () => controller.abort(),
    )
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      duration: '20s',
      think: '10s',
      signal: controller.signal,
      teardown: () => {
        tornDown = true
      },
      steps: [{ path: '/a' }, { path: '/b' }],
    })
    expect(result.aborted).toBe(true)
    expect(tornDown).toBe(true)
    // Two users, each sent its first step and then thought: nothing more went out.
    expect(server.perRoute.get('/a')).toBe(2)
    expect(server.perRoute.get('/b')).toBeUndefined()
    // Not after the think time: 9.7 s of it were left.
    expect(performance.now() - trigger.firedAt).toBeLessThan(5000)
  })

  it('a think pause that begins after the run ended does not delay the end', async () => {
    // The only response comes 1.5 s in, after the run's 1 s: its 10 s think is cut, not waited out.
    const slow = createServer((_request, response) => {
      setTimeout(() => response.end('ok'), 1500)
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const { port } = slow.address() as AddressInfo
    const startedAt = performance.now()
    try {
      const result = await loadTest({
        url: `http://127.0.0.1:${port}`,
        transport,
        users: 1,
        duration: '1s',
        think: '10s',
        steps: [{ name: 'slow', path: '/slow' }],
      })
      expect(result.endpoints!['slow']!.successfulRequests).toBe(1)
      // The iteration completed; its duration, cut short, is still recorded.
      expect(result.scenarios!['default']!.iterations).toBe(1)
      expect(result.scenarios!['default']!.iterationDuration.max).toBeGreaterThanOrEqual(1000)
      // Not after the think time: with it the run would take 11.5 s.
      expect(performance.now() - startedAt).toBeLessThan(8000)
    } finally {
      slow.closeAllConnections()
      await new Promise<void>((resolve) => slow.close(() => resolve()))
    }
  })
})
