import type http from 'node:http'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { LoadAdapter } from '../../../src/adapters/adapter.ts'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { JourneyScenario } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// Mixes, checks and requests never sent on the generated k6 script and locustfile, against a server that
// counts every request per path.

let server: TestServer

beforeEach(async () => {
  server = await startServer()
})

afterEach(async () => {
  await server.close()
})

/** Counts per path; `/item` answers `{ id, role }` and a 500 for every `failEvery`-th; 1 ms per answer. */
function api(failEvery = 0) {
  const counts = new Map<string, number>()
  let items = 0
  let failed = 0
  const handler: http.RequestListener = (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const failing = path === '/item' && failEvery > 0 && ++items % failEvery === 0
    if (failing) failed++
    setTimeout(() => {
      response.setHeader('content-type', 'application/json')
      response.statusCode = failing ? 500 : 200
      response.end(failing ? '{"error":"boom"}' : '{"id":7,"role":"user"}')
    }, 1)
  }
  server.setHandler(handler)
  return {
    counts,
    get failed() {
      return failed
    },
  }
}

const NINE_TO_ONE: JourneyScenario[] = [
  { name: 'browse', weight: 9, steps: [{ name: 'browse', path: '/browse' }] },
  { name: 'buy', weight: 1, steps: [{ name: 'buy', path: '/buy' }] },
]

function programsOn(adapter: LoadAdapter, tool: 'k6' | 'locust', inFlight: number): Promise<void> {
  return describeWithTool(adapter, `mixes, checks and requests never sent on ${tool}`, () => {
    it(`a 9:1 mix with 4 users is 9:1 per iteration (${tool})`, async () => {
      const seen = api()
      const result = await loadTest({ url: server.url, tool, users: 4, duration: 2, scenarios: NINE_TO_ONE })
      const buy = seen.counts.get('/buy') ?? 0
      const total = buy + (seen.counts.get('/browse') ?? 0)
      expect(total).toBeGreaterThan(100)
      // The picks are one round robin's order: 10 per ten iterations, give or take the users in flight.
      expect(Math.abs(buy * 10 - total)).toBeLessThanOrEqual(10 * (1 + inFlight))
      expect(result.scenarios?.['buy']?.iterations).toBeGreaterThan(0)
      // The engine's count is the server's, less at most the requests in flight that the tool drops at the end.
      const reported = result.endpoints?.['buy']?.totalRequests ?? 0
      expect(buy - reported).toBeGreaterThanOrEqual(0)
      expect(buy - reported).toBeLessThanOrEqual(tool === 'k6' ? 0 : inFlight)
    })

    it(`0.5% failing responses under \`checks: rate>=1.0\` fail the run; checks count each (${tool})`, async () => {
      const seen = api(200)
      const result = await loadTest({
        url: server.url,
        tool,
        users: 4,
        duration: 2,
        steps: [
          {
            name: 'item',
            path: '/item',
            checks: { 'status 200': { status: 200 }, 'is admin': { json: 'role', equals: 'admin' } },
          },
          { name: 'after', path: '/after' },
        ],
        thresholds: { checks: ['rate>=1.0'] },
        errorBudget: false,
      })
      const items = seen.counts.get('/item') ?? 0
      expect(seen.failed).toBeGreaterThan(0)
      const status = result.metrics.checks?.['status 200']
      expect(status?.fails).toBe(seen.failed)
      expect((status?.passes ?? 0) + (status?.fails ?? 0)).toBeGreaterThanOrEqual(items - inFlight)
      expect((status?.passes ?? 0) + (status?.fails ?? 0)).toBeLessThanOrEqual(items)
      // A failed check does not end the iteration: the step after it was sent as often, but for a 500.
      expect(result.metrics.checks?.['is admin']?.passes).toBe(0)
      expect(seen.counts.get('/after') ?? 0).toBeGreaterThanOrEqual(items - seen.failed - inFlight)
      expect(result.endpoints?.['item']?.checks?.['status 200']).toEqual(status)
      const verdict = result.thresholds.find((threshold) => threshold.expression === 'checks: rate>=1.0')
      expect(verdict?.passed).toBe(false)
      // Every check counts in the rate: the status checks that passed, none of the admin ones.
      const ran = 2 * ((status?.passes ?? 0) + (status?.fails ?? 0))
      expect(verdict?.actual).toBeCloseTo((status?.passes ?? 0) / ran, 6)
      expect(result.success).toBe(false)
    })

    it(`a step never sent is not a request, and its users back off instead of starving the others (${tool})`, async () => {
      const seen = api()
      const result = await loadTest({
        url: server.url,
        tool,
        users: 4,
        duration: 2,
        mix: 'per-user',
        errorBudget: false,
        scenarios: [
          { name: 'real', steps: [{ name: 'real', path: '/real' }] },
          { name: 'broken', steps: [{ name: 'broken', path: '/x/{{nope}}' }] },
        ],
      })
      expect(seen.counts.get('/x/')).toBeUndefined()
      const real = seen.counts.get('/real') ?? 0
      expect(result.metrics.totalRequests).toBeLessThanOrEqual(real)
      expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(real - inFlight)
      expect(result.endpoints?.['broken']?.totalRequests).toBe(0)
      const unsent = result.metrics.notSent?.template?.count ?? 0
      expect(result.endpoints?.['broken']?.notSent?.template?.count).toBe(unsent)
      expect(result.scenarios?.['broken']?.metrics.notSent?.template?.count).toBe(unsent)
      // Two users backing off up to 100 ms: about 10 tries a second each, not tens of thousands.
      expect(unsent).toBeGreaterThan(0)
      expect(unsent).toBeLessThanOrEqual(2 * (2000 / 100 + 10))
      expect(real).toBeGreaterThan(200)
      expect(result.warnings.join('\n')).toContain('requests were never sent')
    })
  })
}

await programsOn(new K6Adapter(), 'k6', 4)
await programsOn(new LocustAdapter(), 'locust', 4)
