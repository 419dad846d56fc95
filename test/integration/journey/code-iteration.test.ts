import { afterEach, describe, expect, it } from 'vitest'
import { MAX_BACKOFF_MS } from '../../../src/engine/transports/backoff.ts'
import type { NativeTransport, Thresholds, VirtualUser } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { shop } from '../../helpers/shop-server.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The server's counts as the endpoints name them. */
function serverCounts(perRoute: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...perRoute].map(([route, count]) => [route, count]))
}

function endpointCounts(endpoints: Record<string, { totalRequests: number }> | undefined) {
  return Object.fromEntries(Object.entries(endpoints ?? {}).map(([name, e]) => [name, e.totalRequests]))
}

const TRANSPORTS: NativeTransport[] = ['fast', 'undici']

/** The most tries `users` can make in `ms` once their back-off reached its cap, with slack for the climb. */
function backedOffTries(users: number, ms: number): number {
  return users * (ms / MAX_BACKOFF_MS + 10)
}

describe.each(TRANSPORTS)('a code iteration (transport %s)', (transport) => {
  it('loops over a JSON list, branches on a field, picks at random and sleeps: every request counted where the server saw it', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const iteration = async (vu: VirtualUser) => {
      const cart = await vu.get(`/cart?u=${vu.id}`, { name: '/cart' })
      const { items, premium } = cart.json() as { items: number[]; premium: boolean }
      for (const id of items) await vu.get(`/items/${id}`, { name: '/items' })
      if (premium) await vu.post('/premium', { json: { items }, name: '/premium' })
      else await vu.get('/basic', { name: '/basic' })
      if (Math.random() < 0.5) await vu.get('/browse', { name: '/browse' })
      else await vu.put('/search', { form: { q: 'x' }, name: '/search' })
      await vu.sleep(0.005)
    }
    const result = await loadTest({ url: server.url, transport, users: 3, duration: '1s', iteration })
    const counts = serverCounts(perRoute)
    expect(endpointCounts(result.endpoints)).toEqual(counts)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.metrics.failedRequests).toBe(0)
    // Every branch ran: users 0 and 2 are premium, user 1 is not; the loop ran 1–3 times per cart.
    for (const route of ['/cart', '/items', '/premium', '/basic', '/browse', '/search'])
      expect(counts[route]).toBeGreaterThan(0)
    expect(counts['/items']!).toBeGreaterThan(counts['/cart']!)
    const scenario = result.scenarios?.['default']
    expect(scenario?.failedIterations).toBe(0)
    // Every completed iteration sent one cart request; the last one may have been cut at the end.
    expect(counts['/cart']! - (scenario?.iterations ?? 0)).toBeGreaterThanOrEqual(0)
    expect(counts['/cart']! - (scenario?.iterations ?? 0)).toBeLessThanOrEqual(3)
    expect(result.generator?.thread).toBe('main')
    expect(result.warnings.join('\n')).toContain('an `iteration` function cannot cross to a worker thread')
  })

  it('names an endpoint METHOD and path by default, and records checks that do not end the iteration', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      duration: '1s',
      iteration: async (vu) => {
        const first = await vu.get('/first')
        vu.check(first, {
          'status 200': (response) => response.status === 200,
          'never passes': () => false,
          throws: () => {
            throw new Error('checked badly')
          },
        })
        await vu.del('/second')
      },
    })
    const first = perRoute.get('/first') ?? 0
    const second = perRoute.get('/second') ?? 0
    expect(endpointCounts(result.endpoints)).toEqual({ 'GET /first': first, 'DELETE /second': second })
    // A failed check does not end the iteration: every first request is followed by a second one.
    expect(first - second).toBeGreaterThanOrEqual(0)
    expect(first - second).toBeLessThanOrEqual(2)
    const checks = result.metrics.checks
    // The checks ran on every response handed back: all but those in flight when the run ended.
    const ran = checks?.['status 200']?.passes ?? 0
    expect(first - ran).toBeGreaterThanOrEqual(0)
    expect(first - ran).toBeLessThanOrEqual(2)
    expect(checks?.['status 200']).toEqual({ passes: ran, fails: 0 })
    expect(checks?.['never passes']).toEqual({ passes: 0, fails: ran })
    expect(checks?.['throws']).toEqual({ passes: 0, fails: ran })
    expect(result.endpoints?.['GET /first']?.checks?.['never passes']?.fails).toBe(ran)
    expect(result.endpoints?.['DELETE /second']?.checks).toBeUndefined()
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('counts a throwing iteration as `notSent.step_function` with its message, and backs off', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const users = 2
    const result = await loadTest({
      url: server.url,
      transport,
      users,
      duration: '1s',
      errorBudget: false,
      iteration: async (vu) => {
        await vu.get('/before', { name: 'before' })
        throw new Error(`boom at iteration ${vu.iteration}`)
      },
    })
    const before = perRoute.get('/before') ?? 0
    expect(result.endpoints?.['before']?.totalRequests).toBe(before)
    expect(result.metrics.totalRequests).toBe(before)
    const unsent = result.metrics.notSent?.step_function
    expect(unsent?.sampleMessages[0]).toMatch(/^iteration: boom at iteration \d+$/)
    const scenario = result.scenarios?.['default']
    expect(scenario?.failedIterations).toBe(unsent?.count)
    expect(scenario?.iterations).toBe(0)
    expect(result.scenarios?.['default']?.metrics.notSent?.step_function?.count).toBe(unsent?.count)
    // Each try is one real request and one failure. The real request resets the back-off: a 5 ms pause
    // per iteration, not a spin.
    expect(Math.abs(before - (unsent?.count ?? 0))).toBeLessThanOrEqual(users)
    expect(before).toBeLessThanOrEqual(users * (1000 / 5 + 10))
  })

  it('backs off up to 100 ms when an iteration throws before any request', async () => {
    server = await startServer()
    const users = 2
    const result = await loadTest({
      url: server.url,
      transport,
      users,
      duration: '1s',
      iteration: () => {
        throw new Error('nothing to send')
      },
    })
    expect(server.count).toBe(0)
    const unsent = result.metrics.notSent?.step_function
    expect(unsent?.sampleMessages[0]).toBe('iteration: nothing to send')
    expect(unsent?.count).toBeGreaterThan(users)
    expect(unsent?.count).toBeLessThanOrEqual(backedOffTries(users, 1000))
    // Nothing was ever sent: the error budget fails the run.
    expect(result.success).toBe(false)
  })

  it('counts a request the code got wrong as never sent, on its endpoint, once', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 1,
      duration: '500ms',
      errorBudget: false,
      iteration: async (vu) => {
        await vu.get('/ok', { name: 'ok' })
        await vu.get('no-slash', { name: 'ok' })
      },
    })
    expect(server.count).toBe(result.metrics.totalRequests)
    const unsent = result.endpoints?.['ok']?.notSent?.step_function
    expect(unsent?.sampleMessages[0]).toContain("ok: the path is a string starting with '/'")
    expect(result.metrics.notSent?.step_function?.count).toBe(unsent?.count)
    expect(result.scenarios?.['default']?.failedIterations).toBe(unsent?.count)
  })

  it('cuts an iteration that never settles at the run’s end: the run ends on time', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const users = 3
    const started = Date.now()
    const result = await loadTest({
      url: server.url,
      transport,
      users,
      duration: '1s',
      iteration: async (vu) => {
        await vu.get('/once', { name: 'once' })
        if (vu.id === 0) await vu.sleep(3600)
        await new Promise(() => {})
      },
    })
    // Each user sent one request, then waited forever (or an hour): the run still ended.
    expect(perRoute.get('/once')).toBe(users)
    expect(result.endpoints?.['once']?.totalRequests).toBe(users)
    expect(result.scenarios?.['default']?.iterations).toBe(0)
    expect(result.scenarios?.['default']?.failedIterations).toBe(0)
    // Wide bound: a busy machine is slow, but not an hour slow.
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('counts `requests` as requests: exactly that many go out', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 25,
      duration: '20s',
      iteration: async (vu) => {
        for (let i = 0; i < 3; i++) await vu.get('/r', { name: 'r' })
      },
    })
    expect(server.count).toBe(25)
    expect(result.endpoints?.['r']?.totalRequests).toBe(25)
    expect(result.aborted).toBe(false)
  })

  it('stops at an abort, with iterations waiting on anything', async () => {
    server = await startServer()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      duration: '60s',
      signal: controller.signal,
      iteration: async (vu) => {
        await vu.get('/r', { name: 'r' })
        if (vu.iteration > 2) await new Promise(() => {})
      },
    })
    expect(result.aborted).toBe(true)
    expect(result.endpoints?.['r']?.totalRequests).toBeLessThanOrEqual(server.count)
  })

  it('runs onStart once per user, and again after it threw', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const users = 2
    const tries = new Map<number, number>()
    const result = await loadTest({
      url: server.url,
      transport,
      users,
      duration: '1s',
      errorBudget: false,
      onStart: async (vu) => {
        const login = await vu.post('/login', { json: { user: vu.id }, name: 'login' })
        const attempt = (tries.get(vu.id) ?? 0) + 1
        tries.set(vu.id, attempt)
        if (attempt === 1) throw new Error('first login is refused')
        vu.vars['token'] = (login.json() as { token: string }).token
      },
      iteration: async (vu) => {
        await vu.get('/item', {
          name: 'item',
          headers: { authorization: `Bearer ${String(vu.vars['token'])}` },
        })
      },
    })
    expect(perRoute.get('/login')).toBe(users * 2)
    expect(result.endpoints?.['login']?.totalRequests).toBe(users * 2)
    expect(result.scenarios?.['default']?.onStartFailures).toBe(users)
    expect(result.metrics.notSent?.step_function?.sampleMessages[0]).toBe('onStart: first login is refused')
    expect(result.endpoints?.['item']?.totalRequests).toBe(perRoute.get('/item'))
    expect(perRoute.get('/item')).toBeGreaterThan(0)
  })

  it('runs one iteration per arrival in the open model, cut at the end too', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const result = await loadTest({
      url: server.url,
      transport,
      rate: 50,
      maxUsers: 20,
      duration: '1s',
      errorBudget: false,
      iteration: async (vu) => {
        await vu.get('/a', { name: '/a' })
        await vu.get('/b', { name: '/b' })
        if (vu.iteration === 3) await new Promise(() => {})
      },
    })
    expect(endpointCounts(result.endpoints)).toEqual(serverCounts(perRoute))
    const a = perRoute.get('/a') ?? 0
    expect(a).toBeGreaterThan(10)
    expect(a).toBeLessThanOrEqual(51)
    expect((perRoute.get('/b') ?? 0) - a).toBeLessThanOrEqual(0)
  })
})

describe('thresholds of a code iteration', () => {
  it('judge the endpoints it named; one it never requested fails its threshold, not the run’s set-up', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      users: 1,
      duration: '500ms',
      iteration: async (vu) => {
        const response = await vu.get('/items/1', { name: 'item' })
        vu.check(response, { 'is 200': (r) => r.status === 200 })
        if (response.status === 599) await vu.get('/rare', { name: 'rare' })
      },
      thresholds: {
        'http_req_duration{name:item}': ['p(95)<60000'],
        'http_reqs{name:rare}': ['count>0'],
        'checks{name:item}': ['rate>=1.0'],
      },
    })
    expect(result.endpoints?.['item']).toMatchObject({ method: 'GET', path: '/items/1' })
    expect(result.endpoints?.['rare']?.totalRequests).toBe(0)
    const verdicts = Object.fromEntries(result.thresholds.map((t) => [t.expression, t.passed]))
    expect(verdicts).toMatchObject({
      'http_req_duration{name:item}: p(95)<60000': true,
      'checks{name:item}: rate>=1.0': true,
      'http_reqs{name:rare}: count>0': false,
    })
    expect(result.success).toBe(false)
  })
})

describe('groups and custom metrics of a code iteration', () => {
  it('record each group’s requests and durations, and each metric by its type; thresholds judge them', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const carts: number[] = []
    const result = await loadTest({
      url: server.url,
      users: 2,
      duration: '1s',
      iteration: async (vu) => {
        const size = vu.metric('cart_size', 'trend')
        const orders = vu.metric('orders', 'counter')
        const premium = vu.metric('premium', 'rate')
        const last = vu.metric('last_user', 'gauge')
        await vu.group('browse', async () => {
          const cart = await vu.get(`/cart?u=${vu.id}`, { name: '/cart' })
          const { items, premium: isPremium } = cart.json() as { items: number[]; premium: boolean }
          size.add(items.length)
          carts.push(items.length)
          premium.add(isPremium)
          await vu.group('items', async () => {
            for (const id of items) await vu.get(`/items/${id}`, { name: '/items' })
          })
        })
        await vu.group('checkout', () => vu.post('/orders', { json: {}, name: '/orders' }))
        orders.add(1)
        last.add(vu.id)
      },
      // The `Thresholds` type knows the built-in metrics: a custom metric's key is cast.
      thresholds: {
        cart_size: ['max<=3', 'p(95)<10'],
        orders: ['count>0'],
        premium: ['rate>0.2', 'rate<0.8'],
        last_user: ['max==1'],
        'group_duration{group:::browse}': ['p(95)<60000'],
        'group_duration{group:::browse::items}': ['max<60000'],
        'group_duration{group:::never}': ['p(95)<60000'],
        // k6's request metrics of one group: the requests sent inside it, not in a group nested in it.
        'http_req_duration{group:::browse}': ['p(95)<60000'],
        'http_req_failed{group:::checkout}': ['rate<0.5'],
        'http_reqs{group:::browse::items}': [`count==${0}`],
        'http_req_duration{group:::never}': ['p(95)<60000'],
        never_recorded: ['count>0'],
      } as Thresholds,
    })
    const groups = result.groups ?? {}
    expect(Object.keys(groups).sort()).toEqual(['browse', 'browse::items', 'checkout'])
    // A group's requests are its own, not its nested groups': the server's counts per route.
    expect(groups['browse']?.metrics.totalRequests).toBe(perRoute.get('/cart'))
    expect(groups['browse::items']?.metrics.totalRequests).toBe(perRoute.get('/items'))
    expect(groups['checkout']?.metrics.totalRequests).toBe(perRoute.get('/orders'))
    const completed = result.scenarios?.['default']?.iterations ?? 0
    expect(groups['checkout']?.count).toBeGreaterThanOrEqual(completed)
    expect(groups['browse']?.duration.max).toBeGreaterThanOrEqual(groups['browse::items']?.duration.min ?? 0)
    const custom = result.metrics.custom ?? {}
    // Users 0 and 1 have carts of 1 and 2 items.
    expect(custom['cart_size']).toMatchObject({ type: 'trend', count: carts.length, max: 2, min: 1 })
    expect(custom['orders']).toMatchObject({ type: 'counter', count: completed })
    // User 0 (a cart of 1) is premium, user 1 (a cart of 2) is not.
    const premiumCarts = carts.filter((length) => length === 1).length
    expect(custom['premium']).toMatchObject({
      type: 'rate',
      passes: premiumCarts,
      fails: carts.length - premiumCarts,
    })
    expect(custom['last_user']).toMatchObject({ type: 'gauge', min: 0, max: 1 })
    const verdicts = Object.fromEntries(result.thresholds.map((t) => [t.expression, [t.passed, t.note]]))
    expect(verdicts).toMatchObject({
      'cart_size: max<=3': [true, undefined],
      'cart_size: p(95)<10': [true, undefined],
      'orders: count>0': [true, undefined],
      'premium: rate>0.2': [true, undefined],
      'last_user: max==1': [true, undefined],
      'group_duration{group:::browse}: p(95)<60000': [true, undefined],
      'group_duration{group:::browse::items}: max<60000': [true, undefined],
      'group_duration{group:::never}: p(95)<60000': [false, "the group 'never' never completed"],
      'never_recorded: count>0': [false, "no value of 'never_recorded' was recorded"],
      'http_req_duration{group:::browse}: p(95)<60000': [true, undefined],
      'http_req_failed{group:::checkout}: rate<0.5': [true, undefined],
      'http_req_duration{group:::never}: p(95)<60000': [false, "the group 'never' never ran"],
    })
    // Judged on the group's own requests: as many as the server counted on its route (not 0).
    const itemsCount = result.thresholds.find((t) =>
      t.expression.startsWith('http_reqs{group:::browse::items}'),
    )
    expect(itemsCount).toMatchObject({ actual: perRoute.get('/items'), passed: false })
  })

  it('refuses a custom metric threshold without a code iteration, and group_duration without a group', async () => {
    const url = 'http://127.0.0.1:9'
    await expect(
      loadTest({ url, steps: [{ path: '/' }], thresholds: { cart_size: ['p(95)<10'] } as never }),
    ).rejects.toMatchObject({ code: 'PERF_INVALID_THRESHOLD' })
    await expect(
      loadTest({
        url,
        steps: [{ path: '/' }],
        thresholds: { 'group_duration{group:::a}': ['p(95)<10'] } as never,
      }),
    ).rejects.toMatchObject({ code: 'PERF_INVALID_THRESHOLD' })
    const iteration = async (vu: VirtualUser) => {
      await vu.get('/')
    }
    await expect(
      loadTest({ url, iteration, thresholds: { group_duration: ['p(95)<10'] } as never }),
    ).rejects.toMatchObject({ code: 'PERF_INVALID_THRESHOLD' })
    await expect(
      loadTest({ url, iteration, thresholds: { cart_size: ['p(42)<10'] } as never }),
    ).rejects.toMatchObject({ code: 'PERF_INVALID_THRESHOLD' })
  })
})

describe('what a code iteration refuses', () => {
  const url = 'http://127.0.0.1:9'
  const iteration = async (vu: VirtualUser) => {
    await vu.get('/')
  }

  it.each([
    [{ steps: [{ path: '/' }] }, 'steps'],
    [{ scenarios: [{ name: 'a', steps: [{ path: '/' }] }] }, 'scenarios'],
    [{ think: 10 }, 'think'],
    [{ body: 'x' }, 'body'],
    [{ check: () => true }, 'check'],
    [{ onStart: [{ path: '/login' }] }, 'onStart'],
    [{ workers: 2 }, 'iteration'],
    [{ requests: 10 }, 'requests'],
  ])('with %o: PERF_INVALID_OPTION naming `%s`', async (options, option) => {
    await expect(loadTest({ url, iteration, ...options } as never)).rejects.toMatchObject({
      code: 'PERF_INVALID_OPTION',
      option,
    })
  })

  it('an onStart function without an iteration', async () => {
    await expect(loadTest({ url, steps: [{ path: '/' }], onStart: iteration })).rejects.toMatchObject({
      code: 'PERF_INVALID_OPTION',
      option: 'onStart',
    })
  })

  it.each([
    ['locust', "cannot run in Locust's Python"],
    ['k6', 'k6 runs scripts in its own JavaScript runtime'],
    ['ab', 'cannot run a code iteration'],
  ] as const)('on %s: PERF_TOOL_UNSUPPORTED_OPTION naming why', async (tool, why) => {
    const error = await loadTest({ url, tool, duration: 1, iteration }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option: 'iteration', tool })
    expect((error as Error).message).toContain(why)
  })
})
