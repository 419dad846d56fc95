import type http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../../src/adapters/ab.ts'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { LoadTestOptions, ToolName } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { recordRequests } from '../../helpers/record-requests.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

/** A small API: POST /login hands out a token, GET /items/:id and POST /orders want it; 20 ms each. */
function api(server: TestServer) {
  const counts = new Map<string, number>()
  const ids = new Set<string>()
  let unauthorized = 0
  const tokens = new Set<string>()
  const handler: http.RequestListener = (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    const route = path.startsWith('/items/') ? '/items' : path
    counts.set(route, (counts.get(route) ?? 0) + 1)
    setTimeout(() => {
      if (route === '/login') {
        const token = `t${tokens.size}`
        tokens.add(token)
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ token }))
        return
      }
      if (!tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) {
        unauthorized++
        response.statusCode = 401
        response.end()
        return
      }
      if (route === '/items') ids.add(path.slice('/items/'.length))
      response.statusCode = route === '/orders' ? 201 : 200
      response.end('{}')
    }, 20)
  }
  server.setHandler(handler)
  return {
    counts,
    ids,
    get unauthorized() {
      return unauthorized
    },
  }
}

const USERS = 3

const journey = (url: string, tool: ToolName): LoadTestOptions => ({
  url,
  tool,
  users: USERS,
  duration: 2,
  data: Array.from({ length: 20 }, (_, id) => ({ id })),
  onStart: [
    {
      name: 'login',
      method: 'POST',
      path: '/login',
      body: { user: 'u{{user}}' },
      capture: { token: 'json:token' },
    },
  ],
  steps: [
    { name: 'item', path: '/items/{{id}}', headers: { authorization: 'Bearer {{token}}' } },
    {
      name: 'order',
      method: 'POST',
      path: '/orders',
      headers: { authorization: 'Bearer {{token}}' },
      body: { id: '{{id}}' },
      expectStatus: 201,
    },
  ],
})

let server: TestServer

beforeEach(async () => {
  server = await startServer()
})

afterEach(async () => {
  await server.close()
})

const ROUTES = { login: '/login', item: '/items', order: '/orders' } as const

function expectCounts(result: LoadTestResult, counts: Map<string, number>, inFlight: number): void {
  for (const [name, route] of Object.entries(ROUTES)) {
    const counted = result.endpoints?.[name]?.totalRequests ?? 0
    const seen = counts.get(route) ?? 0
    expect(seen - counted, `${result.tool} ${name}`).toBeGreaterThanOrEqual(0)
    expect(seen - counted, `${result.tool} ${name}`).toBeLessThanOrEqual(inFlight)
    expect(result.endpoints?.[name]?.failedRequests).toBe(0)
  }
  expect(result.endpoints?.login?.totalRequests).toBe(USERS)
}

// Latency: each engine's p50 is at least the server's 20 ms. How close the engines' p50s are is a quiet
// machine's number (bench/quiet-claims.mjs); on a busy one any engine's may be late by more.
describe('the same declarative journey on native, k6 and Locust', () => {
  it('native: per-endpoint counts equal the server per-path counts, captures flow, ids vary', async () => {
    const seen = api(server)
    const result = await loadTest(journey(server.url, 'native'))
    expectCounts(result, seen.counts, 0)
    expect(seen.unauthorized).toBe(0)
    expect(seen.ids.size).toBe(20)
    expect(result.endpoints?.item?.responseTimes.p50).toBeGreaterThanOrEqual(20)
  })
})

await describeWithTool(new K6Adapter(), 'the journey on k6', () => {
  it('k6: per-endpoint counts equal the server per-path counts; p50 at least the server’s delay', async () => {
    const seen = api(server)
    const result = await loadTest({
      ...journey(server.url, 'k6'),
      thresholds: {
        'http_req_duration{name:login}': ['p(95)<10000'],
        'http_req_duration{name:item}': ['p(95)<1'],
      },
    })
    expectCounts(result, seen.counts, 0)
    expect(seen.unauthorized).toBe(0)
    expect(seen.ids.size).toBe(20)
    expect(result.endpoints?.item).toMatchObject({ method: 'GET', path: '/items/{{id}}' })
    expect(result.scenarios?.default?.iterations).toBeGreaterThan(0)
    expect(result.scenarios?.default?.iterationDuration.p50).toBeGreaterThanOrEqual(40)
    // Tagged thresholds judge their endpoint; the carriers of k6's sub-metrics are no results.
    expect(result.thresholds.map((threshold) => [threshold.expression, threshold.passed])).toEqual([
      ['http_req_duration{name:login}: p(95)<10000', true],
      ['http_req_duration{name:item}: p(95)<1', false],
      ['errorBudget: failed rate<=0.01, some request succeeded', true],
    ])
    expect(result.success).toBe(false)
    expect(result.endpoints?.item?.responseTimes.p50).toBeGreaterThanOrEqual(20)
  })
  it('k6: a 3:1 mix splits the iterations 3:1 and reports each scenario', async () => {
    const counts = countPaths(server, { delayMs: 5 })
    const result = await loadTest({
      url: server.url,
      tool: 'k6',
      users: 4,
      duration: 2,
      scenarios: [
        { name: 'browse', weight: 3, steps: [{ name: 'list', path: '/list' }] },
        { name: 'buy', steps: [{ name: 'buy', method: 'POST', path: '/buy' }] },
      ],
    })
    const list = counts.get('/list') ?? 0
    const buy = counts.get('/buy') ?? 0
    expect(result.endpoints?.list?.totalRequests).toBe(list)
    expect(result.endpoints?.buy?.totalRequests).toBe(buy)
    expect(list / buy).toBeGreaterThan(2.7)
    expect(list / buy).toBeLessThan(3.3)
    expect(result.scenarios?.browse?.iterations).toBe(list)
    expect(result.scenarios?.buy?.metrics.totalRequests).toBe(buy)
  })
})

await describeWithTool(new LocustAdapter(), 'the journey on Locust', () => {
  it('Locust: per-endpoint counts within the users in flight; p50 at least the server’s delay', async () => {
    const seen = api(server)
    const result = await loadTest(journey(server.url, 'locust'))
    expectCounts(result, seen.counts, USERS)
    expect(seen.unauthorized).toBe(0)
    expect(seen.ids.size).toBe(20)
    expect(result.scenarios?.default?.iterations).toBeGreaterThan(0)
    // Whole ms, 2 significant digits: 20 ms may read 19.
    expect(result.endpoints?.item?.responseTimes.p50).toBeGreaterThanOrEqual(19)
  })
})

describe('what a tool cannot run is refused before any traffic', () => {
  it('function fields name the field on k6 and Locust; ab takes one static step only', async () => {
    const cases: [ToolName, Partial<LoadTestOptions>, string][] = [
      ['k6', { steps: [{ path: () => '/x' }] }, 'steps[0].path'],
      ['locust', { steps: [{ body: () => ({}) }] }, 'steps[0].body'],
      [
        'k6',
        { scenarios: [{ name: 'a', steps: [{ path: '/a', capture: () => {} }] }] },
        'scenarios[0].steps[0].capture',
      ],
      ['k6', { steps: [{ name: 'a,b', path: '/a' }] }, 'steps[0].name'],
      ['k6', { steps: [{ path: '/a', checks: { 'a,b': { status: 200 } } }] }, 'steps[0].checks.a,b'],
      ['ab', { steps: [{ path: '/a', checks: { ok: { status: 200 } } }] }, 'steps[0].checks'],
      ['ab', { steps: [{ path: '/a' }, { path: '/b' }] }, 'steps'],
      ['ab', { steps: [{ path: '/a/{{user}}' }] }, 'steps[0]'],
      ['ab', { steps: [{ path: '/a', capture: { t: 'json:t' } }] }, 'steps[0].capture'],
      ['ab', { onStart: [{ path: '/login' }], steps: [{ path: '/a' }] }, 'onStart'],
    ]
    for (const [tool, options, option] of cases) {
      const run = loadTest({ url: server.url, tool, users: 1, duration: 1, ...options } as LoadTestOptions)
      await expect(run, `${tool} ${option}`).rejects.toMatchObject({
        code: 'PERF_TOOL_UNSUPPORTED_OPTION',
        option,
      })
    }
    expect(server.count).toBe(0)
  })
  it("Locust with 2 workers: the master sums every worker's iterations per scenario, iterations split 3:1", async () => {
    const counts = countPaths(server, { delayMs: 5 })
    const users = 4
    const result = await loadTest({
      url: server.url,
      tool: 'locust',
      users,
      duration: 2,
      workers: 2,
      scenarios: [
        { name: 'browse', weight: 3, steps: [{ name: 'list', path: '/list' }] },
        { name: 'buy', steps: [{ name: 'buy', method: 'POST', path: '/buy' }] },
      ],
    })
    for (const [scenario, path] of [
      ['browse', '/list'],
      ['buy', '/buy'],
    ] as const) {
      const iterations = result.scenarios?.[scenario]?.iterations ?? 0
      expect(iterations).toBeGreaterThan(0)
      // Each iteration is one request; a user stopped mid-request has not completed its iteration. Per-iteration
      // picks put any user's last request on either path, and a worker stopping its users reports them as its
      // last stats message reaches the master: allow one more per worker (5 against 4 users at load average 5).
      expect((counts.get(path) ?? 0) - iterations).toBeGreaterThanOrEqual(0)
      expect((counts.get(path) ?? 0) - iterations).toBeLessThanOrEqual(users + 2)
    }
    const ratio = (counts.get('/list') ?? 0) / (counts.get('/buy') ?? 1)
    expect(ratio).toBeGreaterThan(2.5)
    expect(ratio).toBeLessThan(3.5)
  })
})

await describeWithTool(new ApacheBenchAdapter(), 'a journey on ab', () => {
  it('ab runs a one-step journey and reports it as that endpoint', async () => {
    const counts = countPaths(server)
    const result = await loadTest({
      url: `${server.url}/api`,
      tool: 'ab',
      users: 2,
      duration: 1,
      steps: [{ name: 'login', method: 'POST', path: '/login', body: { user: 'x' } }],
    })
    expect(result.endpoints?.login?.totalRequests).toBe(result.metrics.totalRequests)
    expect(result.endpoints?.login).toMatchObject({ method: 'POST', path: '/login', failedRequests: 0 })
    expect(counts.get('/api/login')).toBeGreaterThanOrEqual(result.metrics.totalRequests)
    expect([...counts.keys()]).toEqual(['/api/login'])
  })

  it("sends its step under the request rules: the URL's credentials as Basic auth, no framing header", async () => {
    const seen = recordRequests(server)
    const result = await loadTest({
      url: `${server.url.replace('//', '//alice:s3cret@')}/api`,
      tool: 'ab',
      users: 1,
      requests: 3,
      headers: { 'content-length': '99' },
      steps: [{ name: 'ping', path: '/ping' }],
    })
    expect(result.metrics).toMatchObject({ totalRequests: 3, failedRequests: 0 })
    // ab's own requests and the probes that learn the server's framing alike.
    expect(seen.length).toBeGreaterThanOrEqual(3)
    for (const request of seen) {
      expect(request.url).toBe('/api/ping')
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`)
      expect(request.headers['content-length']).toBeUndefined()
    }
    const dropped = result.warnings.filter((warning) => warning.includes('`headers.content-length`'))
    expect(dropped).toHaveLength(1)
  })
})
