import type http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** `/item` answers `{ id, role: 'user' }`, a 500 for every `failEvery`-th; counts per path and the 500s. */
function itemApi(failEvery = 0) {
  const counts = new Map<string, number>()
  let items = 0
  let failed = 0
  const handler: http.RequestListener = (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    counts.set(path, (counts.get(path) ?? 0) + 1)
    response.setHeader('content-type', 'application/json')
    if (path === '/item' && failEvery > 0 && ++items % failEvery === 0) {
      failed++
      response.statusCode = 500
      response.end('{"error":"boom"}')
      return
    }
    response.end(JSON.stringify({ id: 7, role: 'user' }))
  }
  return {
    handler,
    counts,
    get failed() {
      return failed
    },
  }
}

const TRANSPORTS: NativeTransport[] = ['fast', 'undici']

describe.each(TRANSPORTS)('named checks record and go on (transport %s)', (transport) => {
  it('a failed check counts under its name and does not end the iteration', async () => {
    const api = itemApi()
    server = await startServer(api.handler)
    const result = await loadTest({
      url: server.url,
      transport,
      users: 2,
      requests: 200,
      steps: [
        {
          name: 'item',
          path: '/item',
          checks: {
            'status 200': { status: 200 },
            'has id': { json: '$.id' },
            'is admin': { json: 'role', equals: 'admin' },
            'json body': { header: 'content-type', equals: 'application/json' },
            'no error': { json: 'error', exists: false },
            'says user': { bodyIncludes: '"user"' },
          },
        },
        { name: 'after', path: '/after' },
      ],
    })
    const items = api.counts.get('/item')!
    const after = api.counts.get('/after')!
    // The failing check did not stop the iteration: each user's item was followed by its next step (the
    // `requests` cap may stop a user between the two).
    expect(items + after).toBe(200)
    expect(items - after).toBeGreaterThanOrEqual(0)
    expect(items - after).toBeLessThanOrEqual(2)
    const pass = { passes: items, fails: 0 }
    expect(result.metrics.checks).toEqual({
      'status 200': pass,
      'has id': pass,
      'is admin': { passes: 0, fails: items },
      'json body': pass,
      'no error': pass,
      'says user': pass,
    })
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.endpoints?.['item']?.checks?.['is admin']).toEqual({ passes: 0, fails: items })
    expect(result.endpoints?.['after']?.checks).toBeUndefined()
    expect(result.scenarios?.['default']?.iterations).toBe(after)
  })

  it('0.5% failing responses under `checks: rate>=1.0` fail the run, as k6 fails it (exit 99)', async () => {
    const api = itemApi(200)
    server = await startServer(api.handler)
    const result = await loadTest({
      url: server.url,
      transport,
      users: 4,
      requests: 2000,
      steps: [{ name: 'item', path: '/item', checks: { 'status 200': { status: 200 } } }],
      thresholds: { checks: ['rate>=1.0'] },
    })
    expect(api.failed).toBe(10)
    expect(result.metrics.checks?.['status 200']).toEqual({ passes: 1990, fails: 10 })
    const verdict = result.thresholds.find((threshold) => threshold.expression === 'checks: rate>=1.0')
    expect(verdict).toMatchObject({ actual: 0.995, passed: false })
    // 0.5% failed requests are within the 1% error budget: the checks decide.
    expect(result.thresholds.filter((threshold) => !threshold.passed)).toHaveLength(1)
    expect(result.success).toBe(false)
  })
})

describe('the `checks` threshold judges the checks that ran', () => {
  it('with no check to judge it fails, saying so, even when every response was a 401', async () => {
    server = await startServer((_request, response) => {
      response.statusCode = 401
      response.end()
    })
    const result = await loadTest({
      url: server.url,
      users: 2,
      requests: 50,
      errorBudget: false,
      steps: [{ name: 'item', path: '/item' }],
      thresholds: { checks: ['rate>=1.0'], 'checks{name:item}': ['rate>0.5'] },
    })
    expect(result.thresholds).toEqual([
      {
        expression: 'checks: rate>=1.0',
        actual: 0,
        passed: false,
        note: expect.stringContaining('no check ran'),
      },
      {
        expression: 'checks{name:item}: rate>0.5',
        actual: 0,
        passed: false,
        note: expect.stringContaining('no check ran'),
      },
    ])
    expect(result.success).toBe(false)
  })

  it('a tagged `checks{name:…}` threshold judges that endpoint’s checks', async () => {
    const api = itemApi()
    server = await startServer(api.handler)
    const result = await loadTest({
      url: server.url,
      users: 1,
      requests: 20,
      steps: [
        { name: 'item', path: '/item', checks: { 'is admin': { json: 'role', equals: 'admin' } } },
        { name: 'other', path: '/other', checks: { 'status 200': { status: 200 } } },
      ],
      thresholds: { 'checks{name:other}': ['rate>=1.0'], 'checks{name:item}': ['rate>0'] },
    })
    expect(result.thresholds.slice(0, 2)).toEqual([
      { expression: 'checks{name:other}: rate>=1.0', actual: 1, passed: true },
      { expression: 'checks{name:item}: rate>0', actual: 0, passed: false },
    ])
  })

  it("a `check` function counts as the check 'check', and still fails its request", async () => {
    const api = itemApi()
    server = await startServer(api.handler)
    let calls = 0
    const result = await loadTest({
      url: server.url,
      users: 1,
      requests: 10,
      workers: 0,
      check: () => ++calls % 2 === 0,
      thresholds: { checks: ['rate>=0.5'] },
      errorBudget: false,
    })
    expect(result.metrics.checks).toEqual({ check: { passes: 5, fails: 5 } })
    expect(result.metrics.errorsByType.check_failed?.count).toBe(5)
    expect(result.thresholds[0]).toMatchObject({ actual: 0.5, passed: true })
  })

  it('checks travel to worker threads and merge exactly', async () => {
    const api = itemApi(10)
    server = await startServer(api.handler)
    const result = await loadTest({
      url: server.url,
      users: 4,
      workers: 2,
      requests: 400,
      errorBudget: false,
      steps: [
        { name: 'item', path: '/item', checks: { 'status 200': { status: 200 }, 'has id': { json: 'id' } } },
      ],
    })
    expect(result.generator?.thread).toBe('worker')
    expect(result.metrics.checks).toEqual({
      'status 200': { passes: 360, fails: 40 },
      'has id': { passes: 360, fails: 40 },
    })
    expect(api.failed).toBe(40)
  })

  it('a failed request runs its checks as status 0: they fail, and are counted', async () => {
    server = await startServer((request, response) => {
      if (request.url === '/stall') return // never answers
      response.end('{}')
    })
    const result = await loadTest({
      url: server.url,
      users: 1,
      duration: '1s',
      errorBudget: false,
      steps: [{ name: 'stall', path: '/stall', timeout: '200ms', checks: { 'status 200': { status: 200 } } }],
    })
    const stall = result.endpoints!['stall']!
    expect(stall.errorsByType.timeout?.count).toBeGreaterThan(0)
    expect(stall.checks?.['status 200']).toEqual({ passes: 0, fails: stall.errorsByType.timeout?.count })
  })

  it('a bad check is a PerfError naming it, before any request', async () => {
    server = await startServer()
    const cases: [unknown, string][] = [
      [{ 'status 200': { status: 'ok' } }, 'steps[0].checks.status 200.status'],
      [{ both: { status: 200, json: 'id' } }, 'steps[0].checks.both'],
      [{ path: { json: 'a..b' } }, 'steps[0].checks.path.json'],
      [{ eq: { json: 'a', equals: { deep: true } } }, 'steps[0].checks.eq.equals'],
      [{ extra: { header: 'x-a', exact: 'b' } }, 'steps[0].checks.extra.exact'],
      [{ none: { json: 'a', equals: 1, exists: false } }, 'steps[0].checks.none.exists'],
      [[{ status: 200 }], 'steps[0].checks'],
    ]
    for (const [checks, option] of cases) {
      await expect(
        loadTest({ url: server.url, users: 1, requests: 1, steps: [{ path: '/', checks: checks as never }] }),
        option,
      ).rejects.toMatchObject({ code: 'PERF_INVALID_OPTION', option })
    }
    expect(server.count).toBe(0)
  })
})
