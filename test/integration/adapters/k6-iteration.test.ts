import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import type { IterationFunction, LoadTestOptions, Thresholds } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { shop } from '../../helpers/shop-server.ts'
import { describeWithTool } from '../../helpers/tools.ts'

/** The iteration module: only the `vu` API, so it runs on native and, through the shim, on k6. */
const SHOPPER = `
export async function onStart(vu) {
  const login = await vu.post('/login', { json: { user: vu.id }, name: '/login' })
  vu.vars.token = login.json().token
}

export default async function (vu) {
  const headers = { authorization: 'Bearer ' + vu.vars.token }
  const cart = await vu.get('/cart?u=' + vu.id, { headers, name: '/cart' })
  vu.check(cart, {
    'cart is 200': (r) => r.status === 200,
    'never passes': () => false,
    throws: () => {
      throw new Error('checked badly')
    },
  })
  const { items, premium } = cart.json()
  vu.metric('cart_size', 'trend').add(items.length)
  vu.metric('carts', 'counter').add(1)
  vu.metric('premium_share', 'rate').add(premium)
  vu.metric('last_cart_size', 'gauge').add(items.length)
  await vu.group('browse', async () => {
    for (const id of items) await vu.get('/items/' + id, { headers, name: '/items' })
  })
  if (premium) await vu.post('/premium', { json: { items }, name: '/premium' })
  else await vu.get('/basic', { name: '/basic' })
  if (Math.random() < 0.5) await vu.get('/browse', { name: '/browse' })
  else await vu.put('/search', { form: { q: 'x y' }, name: '/search' })
  const denied = await vu.get('/denied', { name: '/denied', expectStatus: [200, 403] })
  vu.check(denied, { 'denied is 403': (r) => r.status === 403 && r.headers['content-type'] === 'application/json' })
  await vu.sleep(0.005)
}
`

let server: TestServer | undefined
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-k6-iteration-'))
})

afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(dir, { recursive: true, force: true })
})

async function moduleFile(name: string, source: string): Promise<URL> {
  const file = path.join(dir, name)
  await writeFile(file, source)
  return pathToFileURL(file)
}

function endpointCounts(endpoints: Record<string, { totalRequests: number }> | undefined) {
  return Object.fromEntries(Object.entries(endpoints ?? {}).map(([name, e]) => [name, e.totalRequests]))
}

const THRESHOLDS = {
  'group_duration{group:::browse}': ['p(95)<10000'],
  cart_size: ['max<=3', 'min>=1'],
  carts: ['count>0'],
  checks: ['rate>=1.0'],
} as Thresholds

const USERS = 3

describe('what k6 cannot run of a code iteration is refused before any traffic', () => {
  const refusals: [string, (url: string) => Promise<Partial<LoadTestOptions>>, RegExp][] = [
    ['a function (it lives in this process)', async () => ({ iteration: async () => {} }), /module/],
    [
      "a module importing Node's modules",
      async () => ({
        iteration: await moduleFile('node.mjs', "import fs from 'node:fs'\nexport default () => {}\n"),
      }),
      /node:fs/,
    ],
    [
      'a module importing a package',
      async () => ({
        iteration: await moduleFile('pkg.js', "import _ from 'lodash'\nexport default () => {}\n"),
      }),
      /lodash/,
    ],
    [
      'a TypeScript module',
      async () => ({ iteration: await moduleFile('shopper.ts', 'export default async () => {}\n') }),
      /TypeScript/,
    ],
  ]
  it.each(refusals)('%s', async (_, options, message) => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const run = loadTest({
      url: server.url,
      tool: 'k6',
      users: 1,
      duration: 1,
      ...(await options(server.url)),
    })
    // A TypeScript module is refused before the tool is asked on a Node that cannot load it (Node 20: for
    // every tool, PERF_INVALID_OPTION); where Node can, k6 refuses it (it is not compiled for k6).
    const error = await run.catch((caught: unknown) => caught)
    expect(error).toMatchObject({ option: 'iteration' })
    expect(['PERF_TOOL_UNSUPPORTED_OPTION', 'PERF_INVALID_OPTION']).toContain(
      (error as { code: string }).code,
    )
    if (!String(message).includes('TypeScript'))
      expect(error).toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION' })
    await expect(run).rejects.toThrow(message)
    expect(server.count).toBe(0)
  })

  it('Locust refuses a module too, naming why', async () => {
    server = await startServer(shop(new Map()))
    const iteration = await moduleFile('shopper.mjs', SHOPPER)
    const run = loadTest({ url: server.url, tool: 'locust', users: 1, duration: 1, iteration })
    await expect(run).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option: 'iteration' })
    await expect(run).rejects.toThrow("Locust's Python")
    expect(server.count).toBe(0)
  })
})

await describeWithTool(new K6Adapter(), 'an iteration module on k6, through the generated shim', () => {
  it('loops, branches, picks at random and sleeps as on native: every request counted where the server saw it', async () => {
    const iteration = await moduleFile('shopper.mjs', SHOPPER)
    const results = []
    for (const tool of ['k6', 'native'] as const) {
      const perRoute = new Map<string, number>()
      server = await startServer(shop(perRoute))
      // Native runs the module's functions in this thread (its module form is the native engine's own).
      const code: Pick<LoadTestOptions, 'iteration' | 'onStart'> =
        tool === 'k6'
          ? { iteration }
          : await import(iteration.href).then(
              (module: { default: IterationFunction; onStart: IterationFunction }) => ({
                iteration: module.default,
                onStart: module.onStart,
              }),
            )
      const result = await loadTest({
        url: server.url,
        tool,
        users: USERS,
        duration: '2s',
        ...code,
        thresholds: THRESHOLDS,
      })
      const counts = Object.fromEntries(perRoute)
      await server.close()
      server = undefined
      results.push({ tool, result, counts })
    }
    for (const { tool, result, counts } of results) {
      const context = `${tool}: ${JSON.stringify(counts)}`
      // The server's truth, route by route, is what the run reports.
      expect(endpointCounts(result.endpoints), context).toEqual(counts)
      expect(result.metrics.totalRequests, context).toBe(
        Object.values(counts).reduce((sum, count) => sum + count, 0),
      )
      // The 403 is expected: no request failed.
      expect(result.metrics.failedRequests, context).toBe(0)
      expect(counts['/login'], context).toBe(USERS)
      for (const route of ['/cart', '/items', '/premium', '/basic', '/browse', '/search'])
        expect(counts[route], `${context} ${route}`).toBeGreaterThan(0)
      const carts = counts['/cart']!
      // A failed check does not end the iteration: every cart is followed by the branch and the random pick.
      expect(carts - (counts['/premium']! + counts['/basic']!), context).toBeGreaterThanOrEqual(0)
      expect(carts - (counts['/premium']! + counts['/basic']!), context).toBeLessThanOrEqual(USERS)
      expect(carts - counts['/denied']!, context).toBeLessThanOrEqual(USERS)
      const checks = result.metrics.checks ?? {}
      // k6 lets the iterations in flight finish; native hands no response back after the end.
      const seen = (count: number | undefined, served: number, what: string) => {
        if (tool === 'k6') expect(count, `${context} ${what}`).toBe(served)
        else
          expect(served - (count ?? -1), `${context} ${what}`).toSatisfy(
            (cut: number) => cut >= 0 && cut <= USERS,
          )
      }
      expect(checks['cart is 200']?.fails, context).toBe(0)
      seen(checks['cart is 200']?.passes, carts, 'cart is 200')
      expect(checks['never passes']?.passes, context).toBe(0)
      seen(checks['never passes']?.fails, carts, 'never passes')
      seen(checks['throws']?.fails, carts, 'throws')
      expect(checks['denied is 403']?.fails, context).toBe(0)
      seen(checks['denied is 403']?.passes, counts['/denied']!, 'denied is 403')
      // A check counts on the endpoint of the response it ran on.
      const { 'denied is 403': onDenied, ...onCart } = checks
      expect(result.endpoints?.['/cart']?.checks, context).toEqual(onCart)
      expect(result.endpoints?.['/denied']?.checks, context).toEqual({ 'denied is 403': onDenied })
      expect(result.endpoints?.['/cart'], context).toMatchObject({
        method: 'GET',
        path: expect.stringMatching(/^\/cart\?u=\d$/),
      })
      expect(result.endpoints?.['/search']?.method, context).toBe('PUT')
      expect(result.metrics.statusCodes, context).toEqual({
        '200': result.metrics.totalRequests - counts['/denied']!,
        '403': counts['/denied'],
      })
      // Custom metrics, each of its own type.
      const custom = result.metrics.custom ?? {}
      expect(custom['cart_size'], context).toMatchObject({ type: 'trend', min: 1, max: 3 })
      seen(custom['cart_size']?.type === 'trend' ? custom['cart_size'].count : undefined, carts, 'cart_size')
      seen(custom['carts']?.type === 'counter' ? custom['carts'].count : undefined, carts, 'carts')
      expect(custom['premium_share']?.type, context).toBe('rate')
      const premium = custom['premium_share'] as { passes: number; fails: number }
      seen(premium.passes + premium.fails, carts, 'premium_share')
      expect(premium.passes, context).toBeGreaterThan(0)
      expect(premium.fails, context).toBeGreaterThan(0)
      expect(custom['last_cart_size'], context).toMatchObject({ type: 'gauge', min: 1, max: 3 })
      // The group: its own requests, its completed runs.
      const browse = result.groups?.['browse']
      expect(browse?.metrics.totalRequests, context).toBe(counts['/items'])
      expect(browse?.count, context).toBeGreaterThan(0)
      expect(carts - (browse?.count ?? 0), context).toBeLessThanOrEqual(USERS)
      expect(result.scenarios?.['default']?.failedIterations, context).toBe(0)
      // Thresholds judged the same: the group's and the custom metrics' pass, `checks` fails (never passes).
      const verdicts = Object.fromEntries(result.thresholds.map((t) => [t.expression, t.passed]))
      expect(verdicts, context).toMatchObject({
        'group_duration{group:::browse}: p(95)<10000': true,
        'cart_size: max<=3': true,
        'cart_size: min>=1': true,
        'carts: count>0': true,
        'checks: rate>=1.0': false,
      })
      expect(result.success, context).toBe(false)
    }
  })

  it('hands each iteration its data row and setup, in an arrival-rate run', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const iteration = await moduleFile(
      'rows.mjs',
      `export default async function (vu) {
  await vu.get('/sku-' + vu.vars.sku + '?greeting=' + vu.setup.greeting, { name: 'sku' })
}
`,
    )
    const result = await loadTest({
      url: server.url,
      tool: 'k6',
      rate: 20,
      users: 2,
      duration: '1s',
      iteration,
      data: [{ sku: 'a' }, { sku: 'b' }],
      setup: () => ({ greeting: 'hi' }),
    })
    const skus = Object.fromEntries(perRoute)
    expect(Object.keys(skus).sort()).toEqual(['/sku-a', '/sku-b'])
    // Round robin over the iterations of the test.
    expect(Math.abs(skus['/sku-a']! - skus['/sku-b']!)).toBeLessThanOrEqual(1)
    expect(result.endpoints?.['sku']?.totalRequests).toBe(server.count)
    expect(result.endpoints?.['sku']?.path).toMatch(/^\/sku-[ab]\?greeting=hi$/)
    expect(result.scenarios?.['default']?.iterations).toBe(server.count)
  })

  it("a module that reaches for Node's globals stops k6 at its start, and the error says why", async () => {
    server = await startServer(shop(new Map()))
    const iteration = await moduleFile(
      'globals.js',
      'const home = process.env.HOME\nexport default async () => {}\n',
    )
    const run = loadTest({ url: server.url, tool: 'k6', users: 1, duration: 1, iteration })
    await expect(run).rejects.toThrow('process is not defined')
    expect(server.count).toBe(0)
  })

  it('counts a throwing iteration and a request the code got wrong, and goes on', async () => {
    const perRoute = new Map<string, number>()
    server = await startServer(shop(perRoute))
    const iteration = await moduleFile(
      'faulty.js',
      `export default async function (vu) {
  await vu.get('/ok', { name: 'ok', tags: { kind: 'a' } })
  if (vu.iteration % 2 === 1) await vu.get('no-slash', { name: 'bad' })
  throw new Error('boom ' + (vu.iteration % 2))
}
`,
    )
    const result = await loadTest({ url: server.url, tool: 'k6', users: 1, duration: '1s', iteration })
    const scenario = result.scenarios?.['default']
    expect(scenario?.iterations).toBe(0)
    expect(scenario?.failedIterations).toBe(perRoute.get('/ok'))
    const notSent = result.metrics.notSent?.step_function
    expect(notSent?.count).toBe(perRoute.get('/ok'))
    expect(notSent?.sampleMessages.join('\n')).toContain('iteration: boom 0')
    expect(notSent?.sampleMessages.join('\n')).toContain("starting with '/'")
    expect(result.endpoints?.['bad']).toBeUndefined()
    expect(result.metrics.totalRequests).toBe(server.count)
  })
})
