import type http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { CustomMetric, LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { Duration, Thresholds } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

// Seven public k6 scripts and locustfiles ported as module iterations (test/fixtures/ported, each naming its
// source), run in a worker thread against one app that serves every route they need and counts what it got.

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** What the app received: `METHOD url` → count, the lab requests it answered 504, /api/ ones with no token. */
interface AppLog {
  seen: Map<string, number>
  labTimeouts: number
  withoutBearer: number
}

function json(response: http.ServerResponse, status: number, value: unknown): void {
  response.statusCode = status
  response.setHeader('content-type', 'application/json')
  response.end(JSON.stringify(value))
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwtFor = (hdid: string) => `${base64url({ alg: 'none' })}.${base64url({ hdid })}.sig`
const hdidOf = (bearer: string | undefined) => {
  const payload = bearer?.replace(/^Bearer /, '').split('.')[1]
  return payload === undefined
    ? undefined
    : (JSON.parse(Buffer.from(payload, 'base64url').toString()).hdid as string)
}

/** The token endpoint of the Keycloak script: a form post, answering a JWT whose payload holds the `hdid`. */
function tokenEndpoint(form: URLSearchParams, response: http.ServerResponse): void {
  const username = form.get('username')
  if (form.get('grant_type') === 'password' && username && form.get('client_id') === 'healthgateway') {
    json(response, 200, {
      access_token: jwtFor(`hdid-${username}`),
      refresh_token: `refresh-${username}`,
      expires_in: 300,
    })
  } else json(response, 400, { error: 'invalid_request' })
}

/** Every route the seven scripts request. A bearer token under /api/ must be one the app issued (else 401). */
function portedApp(log: AppLog): http.RequestListener {
  const issued = new Set<string>()
  let lists = 0
  let labRequests = 0
  return (request, response) => {
    const method = request.method ?? 'GET'
    const url = request.url ?? '/'
    log.seen.set(`${method} ${url}`, (log.seen.get(`${method} ${url}`) ?? 0) + 1)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      const { pathname } = new URL(url, 'http://app.invalid')
      const bearer = request.headers.authorization
      if (pathname.startsWith('/api/') && pathname !== '/api/auth/login' && bearer === undefined)
        log.withoutBearer++
      if (pathname === '/auth/realms/ff09qn3f/protocol/openid-connect/token' && method === 'POST') {
        tokenEndpoint(new URLSearchParams(body), response)
      } else if (pathname.startsWith('/api/laboratoryservice/v1/api/Laboratory/')) {
        labRequests++
        if (hdidOf(bearer) !== pathname.split('/').pop()) json(response, 403, { error: 'forbidden' })
        else if (labRequests % 2 === 0) {
          log.labTimeouts++
          json(response, 504, { error: 'gateway timeout' })
        } else json(response, 200, { orders: [] })
      } else if (pathname === '/api/v3/jwt/performance-demo') {
        json(response, bearer === 'Bearer token' ? 200 : 401, { ok: bearer === 'Bearer token' })
      } else if (pathname === '/api/auth/login' && method === 'POST') {
        const token = `tok-${issued.size}-${JSON.parse(body).username}`
        issued.add(token)
        json(response, 200, { token })
      } else if (pathname.startsWith('/api/') && bearer !== undefined && !issued.has(bearer.slice(7))) {
        json(response, 401, { error: 'unknown token' })
      } else if (pathname === '/api/items' && method === 'GET') json(response, 200, [{ id: 1 }, { id: 2 }])
      else if (pathname === '/api/items' && method === 'POST')
        json(response, 201, { id: 3, ...JSON.parse(body) })
      else if (pathname === '/api/items/42') json(response, 404, { error: 'not found' })
      else if (pathname === '/api/items/999' && method === 'DELETE') {
        response.statusCode = 204
        response.end()
      } else if (pathname === '/api/user/profile') json(response, 200, { name: 'Updated Name' })
      else if (pathname === '/users/sync') {
        // 1 to 4 users: the loop's length comes from the response
        json(
          response,
          200,
          Array.from({ length: 1 + (lists++ % 4) }, (_, index) => ({ id: index + 1 })),
        )
      } else if (pathname.startsWith('/users/sync/')) json(response, 200, { id: Number(pathname.slice(12)) })
      else if (pathname === '/login' && method === 'POST') json(response, 200, { token: 't' })
      else if (['/hello', '/world', '/item', '/', '/about'].includes(pathname)) {
        response.setHeader('content-type', 'text/html')
        response.end('<html><body>ok</body></html>')
      } else json(response, 404, { error: `no route ${method} ${pathname}` })
    })
  }
}

/** The endpoint the script records a request on: its `name` when it gives one, else `METHOD path`. */
type Naming = (method: string, url: string) => string | undefined

/** The server's counts, grouped by the endpoint each request is recorded on. */
function expectedEndpoints(log: AppLog, naming: Naming): Record<string, number> {
  const endpoints: Record<string, number> = {}
  for (const [line, count] of log.seen) {
    const [method, url] = line.split(' ') as [string, string]
    const name = naming(method, url) ?? line
    endpoints[name] = (endpoints[name] ?? 0) + count
  }
  return endpoints
}

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

/** A check runs on each response handed back: all but those that came after the run's end, one per user at most. */
function expectRanOnResponses(checked: number, requests: number, users: number): void {
  expect(checked).toBeGreaterThan(0)
  expect(requests - checked).toBeGreaterThanOrEqual(0)
  expect(requests - checked).toBeLessThanOrEqual(users)
}

interface PortRun {
  users: number
  duration: Duration
  thresholds?: Thresholds
}

/** Runs one port in one worker thread against a fresh app; checks what every port must hold. */
async function runPort(file: string, run: PortRun, naming: Naming = () => undefined) {
  const log: AppLog = { seen: new Map(), labTimeouts: 0, withoutBearer: 0 }
  server = await startServer(portedApp(log))
  const result = await loadTest({
    url: server.url,
    users: run.users,
    duration: run.duration,
    workers: 1,
    iteration: new URL(`../../fixtures/ported/${file}`, import.meta.url),
    ...(run.thresholds === undefined ? {} : { thresholds: run.thresholds }),
  })
  expect(result.generator?.thread).toBe('worker')
  expect(endpointCounts(result)).toEqual(expectedEndpoints(log, naming))
  expect(result.metrics.totalRequests).toBe(server.count)
  expect(result.metrics.notSent).toBeUndefined()
  expect(result.scenarios?.['default']?.failedIterations).toBe(0)
  return { result, log, counts: endpointCounts(result) }
}

describe('seven public load scripts, ported as module iterations', () => {
  it("Locust's quickstart: on_start login, @task weights, a loop of named requests, sleeps", async () => {
    const users = 3
    const { result, counts } = await runPort(
      'locust-quickstart.mjs',
      { users, duration: '1.5s' },
      (_, url) => (url.startsWith('/item?') ? '/item' : undefined),
    )
    expect(counts['POST /login']).toBe(users)
    // /world follows /hello but when the run ended between the two.
    const helloWithoutWorld = (counts['GET /hello'] ?? 0) - (counts['GET /world'] ?? 0)
    expect(helloWithoutWorld).toBeGreaterThanOrEqual(0)
    expect(helloWithoutWorld).toBeLessThanOrEqual(users)
    // Each user picked a task after logging in: hello-world, or the first item of the loop.
    expect((counts['GET /hello'] ?? 0) + (counts['/item'] ?? 0)).toBeGreaterThanOrEqual(users)
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('Locust bearer tokens: the token on_start got is sent by every task, weighted tasks, name=', async () => {
    const users = 4
    const { result, log, counts } = await runPort(
      'locust-bearer.mjs',
      { users, duration: '1.5s' },
      (method, url) =>
        method !== 'PUT' && url.startsWith('/api/') && url !== '/api/auth/login' ? url : undefined,
    )
    expect(counts['POST /api/auth/login']).toBe(users)
    // The app answers 401 to a token it did not issue: none failed, and each task sent its user's token.
    expect(result.metrics.failedRequests).toBe(0)
    expect(log.withoutBearer).toBe(0)
    expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(2 * users)
  })

  it('Locust validation: catch_response branches as expectStatus and checks, weighted tasks', async () => {
    // 16 users pick 16 tasks at least: none of them a listing (2 in 5) has a chance of 0.6^16.
    const users = 16
    const { result, counts } = await runPort('locust-validation.mjs', { users, duration: '1.5s' })
    // 404 and 204 are expected where the script says so.
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(users)
    const listed = result.metrics.checks?.['Expected list response']
    expect(listed?.fails).toBe(0)
    expectRanOnResponses(listed!.passes, counts['GET /api/items']!, users)
  })

  it('a locustfile looping over the list a response returned', async () => {
    const { result, log } = await runPort('locust-users-loop.mjs', { users: 2, duration: '1s' })
    // The app returned lists of 1 to 4 users, in turn: each list's length decided its loop's.
    const lists = log.seen.get('GET /users/sync') ?? 0
    expect(lists).toBeGreaterThan(4)
    const fetched = [1, 2, 3, 4].map((id) => log.seen.get(`GET /users/sync/${id}`) ?? 0)
    expect(fetched[0]).toBeGreaterThanOrEqual(fetched[1]!)
    expect(fetched[1]).toBeGreaterThanOrEqual(fetched[2]!)
    expect(fetched[2]).toBeGreaterThanOrEqual(fetched[3]!)
    // Every list is walked to its end, but the 2 users' last ones, cut when the run ended.
    const listedUsers = Array.from({ length: lists }, (_, index) => 1 + (index % 4)).reduce(
      (a, b) => a + b,
      0,
    )
    const walked = fetched.reduce((a, b) => a + b, 0)
    expect(listedUsers - walked).toBeGreaterThanOrEqual(0)
    expect(listedUsers - walked).toBeLessThanOrEqual(2 * 4)
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('k6-learn custom timer: a Trend of a transaction, a check, tag names', async () => {
    // Its sleep is 0–5 s: with 16 users, the chance that none ends within the 2 s run is 0.6^16 (3 in 10,000).
    const users = 16
    const { result, counts } = await runPort(
      'k6-custom-timer.mjs',
      { users, duration: '2s' },
      (_, url) => ({ '/': '01_Home', '/about': '02_About' })[url],
    )
    expect(result.metrics.checks?.['is status 200']?.fails).toBe(0)
    expectRanOnResponses(result.metrics.checks!['is status 200']!.passes, counts['01_Home']!, users)
    // One value per transaction that ended; a user whose run ended after it did not request /about.
    const transactions = custom(result, 'transaction_duration', 'trend')
    expect(transactions.count - (counts['02_About'] ?? 0)).toBeGreaterThanOrEqual(0)
    expect(transactions.count - (counts['02_About'] ?? 0)).toBeLessThanOrEqual(users)
    expect(transactions.min).toBeGreaterThanOrEqual(0)
    expect(transactions.max).toBeLessThan(5000 + 1000)
  })

  it('a k6 script with a group, a check and a `checks` threshold', async () => {
    const users = 2
    const { result, counts } = await runPort('k6-group-demo.mjs', {
      users,
      duration: '2s',
      thresholds: {
        checks: ['rate >= 1.0'],
        'group_duration{group:::GET}': ['p(95)<60000'],
        // The script's own threshold on its group's requests (k6's group tag on http_req_duration).
        'http_req_duration{group:::GET}': ['p(95)<60000'],
      },
    })
    const requests = counts['GET /api/v3/jwt/performance-demo']!
    expect(result.metrics.checks?.['status was 200']?.fails).toBe(0)
    expectRanOnResponses(result.metrics.checks!['status was 200']!.passes, requests, users)
    const group = result.groups?.['GET']
    expect(group?.metrics.totalRequests).toBe(requests)
    // A group holds a 1 s sleep, in a 2 s run: one completed at least, and none was counted twice.
    expect(group!.count).toBeGreaterThanOrEqual(1)
    expect(group!.count).toBeLessThanOrEqual(requests)
    expect(group!.duration.min).toBeGreaterThanOrEqual(1000)
    expect(
      result.thresholds.filter((t) => !t.expression.startsWith('errorBudget')).map((t) => t.passed),
    ).toEqual([true, true, true])
  })

  it('the Health Gateway k6 script: a form login, a JWT read, checks that go on, a Rate of failures', async () => {
    const users = 4
    const { result, log, counts } = await runPort('k6-healthgateway-lab.mjs', { users, duration: '1.5s' })
    expect(counts['POST /auth/realms/ff09qn3f/protocol/openid-connect/token']).toBe(users)
    // Each user read its hdid from the JWT and sent its token: the app answers 403 to any other.
    const lab = Object.entries(counts).filter(([name]) => name.startsWith('GET /api/laboratoryservice/'))
    expect(lab.map(([name]) => name).sort()).toEqual(
      ['loadtest_02', 'loadtest_03', 'loadtest_04', 'loadtest_05'].map(
        (username) => `GET /api/laboratoryservice/v1/api/Laboratory/hdid-${username}`,
      ),
    )
    // Every other lab request is a 504: a failed request, and failed checks that went on to the Rate.
    const labRequests = lab.reduce((sum, [, count]) => sum + count, 0)
    expect(log.labTimeouts).toBe(Math.floor(labRequests / 2))
    expect(result.metrics.failedRequests).toBe(log.labTimeouts)
    const checks = result.metrics.checks
    expect(checks?.['Response Code is 200']).toEqual({
      passes: labRequests - log.labTimeouts,
      fails: log.labTimeouts,
    })
    expect(checks?.['Response Code is not 504']).toEqual({
      passes: labRequests - log.labTimeouts,
      fails: log.labTimeouts,
    })
    expect(checks?.['Response Code is not 403']).toEqual({ passes: labRequests, fails: 0 })
    expect(custom(result, 'errors', 'rate')).toMatchObject({ passes: log.labTimeouts, fails: 0 })
  })
})

describe('what a port found', () => {
  // k6's samples/html_form_post.js posts `topping: ['onion', 'bacon', 'cheese']`: k6 and Python's requests
  // send a field per value; `form` takes strings, numbers and booleans, and sent an array as "onion,bacon".
  it.each([
    ['an array', ['onion', 'bacon']],
    ['an object', { size: 'large' }],
    ['null', null],
  ])('refuses a form field that is %s: never sent as a string it did not say', async (_, value) => {
    const bodies: string[] = []
    server = await startServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString()
      })
      request.on('end', () => {
        bodies.push(body)
        response.end('ok')
      })
    })
    const result = await loadTest({
      url: server.url,
      users: 1,
      duration: '300ms',
      errorBudget: false,
      iteration: async (vu) => {
        await vu.post('/post', {
          form: { name: 'Test Name', topping: value as unknown as string },
          name: 'form',
        })
      },
    })
    expect(bodies).toEqual([])
    const unsent = result.metrics.notSent?.step_function
    expect(unsent?.sampleMessages[0]).toContain(
      'form field topping: expected a string, a number or a boolean',
    )
  })
})
