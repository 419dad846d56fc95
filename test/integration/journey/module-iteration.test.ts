import { afterEach, describe, expect, it } from 'vitest'
import { MAX_BACKOFF_MS } from '../../../src/engine/transports/backoff.ts'
import type { CustomMetric, LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { Thresholds } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { shop } from '../../helpers/shop-server.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const fixture = (name: string) => new URL(`../../fixtures/iterations/${name}`, import.meta.url)
const SHOPPER = fixture('shopper.mjs')
const USERS = 4

function endpointCounts(result: LoadTestResult): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.endpoints ?? {}).map(([name, e]) => [name, e.totalRequests]),
  )
}

function custom<T extends CustomMetric['type']>(result: LoadTestResult, name: string, type: T) {
  const metric = result.metrics.custom?.[name]
  expect(metric?.type, name).toBe(type)
  return metric as Extract<CustomMetric, { type: T }>
}

async function shopperRun(workers: number) {
  const perRoute = new Map<string, number>()
  server = await startServer(shop(perRoute))
  const result = await loadTest({
    url: server.url,
    users: USERS,
    duration: '1.5s',
    workers,
    iteration: SHOPPER,
    setup: () => ({ tag: 'from setup' }),
    thresholds: {
      cart_size: ['max<=3', 'min>=1'],
      user_id: [`max==${USERS - 1}`],
      'group_duration{group:::browse}': ['p(95)<60000'],
      'http_req_duration{name:/items}': ['p(95)<60000'],
    } as Thresholds,
  })
  return { result, counts: Object.fromEntries(perRoute) }
}

describe('a module iteration', () => {
  it('runs in 2 worker threads: endpoints, iterations, groups and custom metrics merge exactly', async () => {
    const { result, counts } = await shopperRun(2)
    expect(endpointCounts(result)).toEqual(counts)
    expect(result.metrics.totalRequests).toBe(server!.count)
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.metrics.notSent).toBeUndefined()
    for (const route of ['/login', '/cart', '/items', '/premium', '/basic', '/browse', '/search'])
      expect(counts[route], route).toBeGreaterThan(0)
    expect(counts['/login']).toBe(USERS)
    expect(result.generator?.thread).toBe('worker')

    // Where it ran: in worker threads, two of them, with setup's value.
    expect(custom(result, 'in_worker', 'rate').rate).toBe(1)
    expect(custom(result, 'setup_seen', 'rate').rate).toBe(1)
    const threads = Object.keys(result.metrics.custom ?? {}).filter((name) => name.startsWith('thread_'))
    expect(threads).toHaveLength(2)

    // Every iteration began with its thread's counter; one completes after its cart, loop, branch and pick.
    const scenario = result.scenarios?.['default']
    const began = threads.reduce((sum, name) => sum + custom(result, name, 'counter').count, 0)
    const picks = counts['/browse']! + counts['/search']!
    expect(scenario?.failedIterations).toBe(0)
    expect(picks - scenario!.iterations).toBeGreaterThanOrEqual(0)
    expect(picks - scenario!.iterations).toBeLessThanOrEqual(USERS)
    expect(began - counts['/cart']!).toBeGreaterThanOrEqual(0)
    expect(began - counts['/cart']!).toBeLessThanOrEqual(USERS)

    // Custom metrics from both threads: one value per cart handed back, summed exactly.
    const carts = custom(result, 'cart_size', 'trend')
    const premium = custom(result, 'premium', 'rate')
    expect(counts['/cart']! - carts.count).toBeGreaterThanOrEqual(0)
    expect(counts['/cart']! - carts.count).toBeLessThanOrEqual(USERS)
    expect(premium.passes + premium.fails).toBe(carts.count)
    expect(custom(result, 'items_listed', 'counter').count).toBe(Math.round(carts.mean * carts.count))
    expect([carts.min, carts.max]).toEqual([1, 3])
    // Users 0 and 2 run in one thread, 1 and 3 in the other: the extremes need both.
    const userId = custom(result, 'user_id', 'gauge')
    expect([userId.min, userId.max]).toEqual([0, USERS - 1])

    // The group: its requests are its endpoints' (all sent inside it), its completions between its carts'.
    const browse = result.groups?.['browse']
    const inGroup = ['/cart', '/items', '/premium', '/basic'].reduce((sum, route) => sum + counts[route]!, 0)
    expect(browse?.metrics.totalRequests).toBe(inGroup)
    expect(browse!.duration.max).toBeGreaterThan(0)
    expect(browse!.duration.p50).toBeLessThanOrEqual(browse!.duration.max)
    expect(counts['/cart']! - browse!.count).toBeGreaterThanOrEqual(0)
    expect(counts['/cart']! - browse!.count).toBeLessThanOrEqual(USERS)

    // Thresholds judge what merged.
    const verdicts = result.thresholds.filter((t) => !t.expression.startsWith('errorBudget'))
    expect(verdicts.map((t) => [t.expression, t.passed])).toEqual([
      ['cart_size: max<=3', true],
      ['cart_size: min>=1', true],
      [`user_id: max==${USERS - 1}`, true],
      ['group_duration{group:::browse}: p(95)<60000', true],
      ['http_req_duration{name:/items}: p(95)<60000', true],
    ])
  })

  it('runs the open model in 2 worker threads: every arrival one iteration, counted where the server saw it', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const result = await loadTest({
      url: server.url,
      rate: 40,
      duration: '1s',
      maxUsers: USERS,
      workers: 2,
      iteration: SHOPPER,
    })
    expect(endpointCounts(result)).toEqual(Object.fromEntries(perRoute))
    const scenario = result.scenarios?.['default']
    expect(scenario?.failedIterations).toBe(0)
    expect(scenario!.iterations).toBeGreaterThan(0)
    // An arrival runs one iteration: never more iterations than arrivals.
    expect(scenario!.iterations + (result.droppedIterations ?? 0)).toBeLessThanOrEqual(40)
    expect(result.generator?.thread).toBe('worker')
  })

  it('runs in the calling thread with `workers: 0`', async () => {
    const { result, counts } = await shopperRun(0)
    expect(endpointCounts(result)).toEqual(counts)
    expect(result.generator?.thread).toBe('main')
    expect(custom(result, 'in_worker', 'rate').rate).toBe(0)
    expect(custom(result, 'setup_seen', 'rate').rate).toBe(1)
  })

  it('counts a default export that throws as `notSent.step_function`, and backs off', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      users: 2,
      duration: '1s',
      iteration: fixture('throws.mjs'),
    })
    const unsent = result.metrics.notSent?.step_function
    expect(unsent?.sampleMessages).toContain('iteration: boom from the module')
    expect(result.scenarios?.['default']?.failedIterations).toBe(unsent?.count)
    expect(unsent!.count).toBeLessThanOrEqual(2 * (1000 / MAX_BACKOFF_MS + 10))
    expect(server.count).toBe(0)
  })

  it('counts a module that fails to import in a worker thread like a throwing iteration, never a crash', async () => {
    server = await startServer()
    const result = await loadTest({
      url: server.url,
      users: 2,
      duration: '1s',
      workers: 2,
      iteration: fixture('fails-in-worker.mjs'),
    })
    const unsent = result.metrics.notSent?.step_function
    expect(unsent?.count).toBeGreaterThan(0)
    expect(unsent?.sampleMessages.join('\n')).toContain(
      'failed to import in a worker thread: no worker may import me',
    )
    expect(result.scenarios?.['default']?.failedIterations).toBe(unsent?.count)
    expect(server.count).toBe(0)
  })
})

describe('what a module iteration refuses, before any load', () => {
  it.each([
    ['a path string', './shopper.mjs', 'iteration', 'file:'],
    ['an http URL', new URL('http://127.0.0.1/shopper.mjs'), 'iteration', 'file:'],
    ['a number', 42, 'iteration', 'file:'],
    ['a missing file', fixture('missing.mjs'), 'iteration', 'does not exist'],
    [
      'a module without a default export',
      fixture('no-default.mjs'),
      'iteration',
      'default export is missing',
    ],
    [
      'an onStart export that is not a function',
      fixture('bad-on-start.mjs'),
      'iteration',
      '`onStart` is a number',
    ],
  ])('%s: PERF_INVALID_OPTION naming `%s`', async (_what, iteration, option, why) => {
    server = await startServer()
    const error = await loadTest({ url: server.url, duration: 1, iteration } as never).catch(
      (caught) => caught,
    )
    expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option })
    expect((error as Error).message).toContain(why)
    expect(server.count).toBe(0)
  })

  it('a function `onStart` with a module: put `export function onStart` in the module', async () => {
    server = await startServer()
    const error = await loadTest({
      url: server.url,
      duration: 1,
      iteration: SHOPPER,
      onStart: async () => {},
    }).catch((caught) => caught)
    expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'onStart' })
    expect((error as Error).message).toContain('export async function onStart')
    expect(server.count).toBe(0)
  })

  it('a `setup` value that cannot cross to the worker threads', async () => {
    server = await startServer()
    const error = await loadTest({
      url: server.url,
      duration: 1,
      iteration: SHOPPER,
      setup: () => ({ sign: () => 'x' }),
    }).catch((caught) => caught)
    expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'setup' })
    expect(server.count).toBe(0)
  })

  it.skipIf(Boolean((process.features as { typescript?: unknown }).typescript))(
    'a TypeScript module on a Node that cannot load it, naming why',
    async () => {
      const error = await loadTest({
        url: 'http://127.0.0.1:9',
        duration: 1,
        iteration: fixture('typed.ts'),
      }).catch((caught) => caught)
      expect(error).toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'iteration' })
      expect((error as Error).message).toContain(`Node ${process.version} cannot load`)
    },
  )
})
