import { afterEach, describe, expect, it } from 'vitest'
import type { JourneyScenario } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { countPaths } from '../../helpers/path-counts.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Browse 9, buy 1: one step each, so the server's count per path is the scenario's iterations. */
const NINE_TO_ONE: JourneyScenario[] = [
  { name: 'browse', weight: 9, steps: [{ name: 'browse', path: '/browse' }] },
  { name: 'buy', weight: 1, steps: [{ name: 'buy', path: '/buy' }] },
]

describe('scenario weights pick per iteration', () => {
  it.each([1, 4, 15])(
    'a 9:1 mix of 1000 iterations is 900:100 at the server with %i users',
    async (users) => {
      server = await startServer()
      const counts = countPaths(server)
      const result = await loadTest({ url: server.url, users, requests: 1000, scenarios: NINE_TO_ONE })
      expect(counts.get('/browse')).toBe(900)
      expect(counts.get('/buy')).toBe(100)
      expect(result.scenarios?.['browse']?.iterations).toBe(900)
      expect(result.scenarios?.['buy']?.iterations).toBe(100)
      expect(result.warnings.join('\n')).not.toContain('never ran')
    },
  )

  it.each([1, 4, 15])(
    'over a duration, with a slower buy, the split stays 9:1 within one iteration in ten (%i users)',
    async (users) => {
      // A buy takes 10 ms, a browse 1 ms: split by users, the buyers would also fall behind.
      const counts = new Map<string, number>()
      server = await startServer((request, response) => {
        const path = request.url ?? ''
        counts.set(path, (counts.get(path) ?? 0) + 1)
        setTimeout(() => response.end('ok'), path === '/buy' ? 10 : 1)
      })
      await loadTest({ url: server.url, users, duration: '1.5s', scenarios: NINE_TO_ONE })
      const buy = counts.get('/buy') ?? 0
      const total = buy + (counts.get('/browse') ?? 0)
      // Every iteration picked went to the server: the picks are a prefix of the round robin's order.
      expect(total).toBeGreaterThan(50)
      expect(Math.abs(buy * 10 - total)).toBeLessThanOrEqual(10)
    },
  )

  it("`mix: 'per-user'` splits users: with 4 users the buyer never runs, a warning says so and the budget fails", async () => {
    server = await startServer()
    const counts = countPaths(server)
    const result = await loadTest({
      url: server.url,
      users: 4,
      requests: 200,
      mix: 'per-user',
      scenarios: NINE_TO_ONE,
    })
    expect(counts.get('/buy')).toBeUndefined()
    expect(result.scenarios?.['buy']?.iterations).toBe(0)
    expect(result.warnings.join('\n')).toContain("'buy' never ran")
    expect(result.success).toBe(false)
    expect(result.thresholds).toContainEqual({
      expression: 'errorBudget: every scenario of the mix ran',
      actual: 1,
      passed: false,
      note: "never ran: 'buy'",
    })
  })

  it('without an error budget a scenario that never ran is still a warning, and the run passes', async () => {
    server = await startServer()
    countPaths(server)
    const result = await loadTest({
      url: server.url,
      users: 4,
      requests: 40,
      mix: 'per-user',
      errorBudget: false,
      scenarios: NINE_TO_ONE,
    })
    expect(result.warnings.join('\n')).toContain("'buy' never ran")
    expect(result.success).toBe(true)
  })

  it("the run's onStart runs once per user whichever scenario it picks; a scenario's own when first picked", async () => {
    server = await startServer()
    const counts = countPaths(server)
    const users = 4
    const result = await loadTest({
      url: server.url,
      users,
      requests: 400,
      onStart: [{ name: 'login', path: '/login' }],
      scenarios: [
        { name: 'browse', weight: 9, steps: [{ name: 'browse', path: '/browse' }] },
        {
          name: 'buy',
          weight: 1,
          onStart: [{ name: 'cart', path: '/cart' }],
          steps: [{ name: 'buy', path: '/buy' }],
        },
      ],
    })
    expect(counts.get('/login')).toBe(users)
    // Each user that picked `buy` opened its cart once (which users do depends on their turns).
    expect(counts.get('/cart')).toBeGreaterThanOrEqual(1)
    expect(counts.get('/cart')).toBeLessThanOrEqual(users)
    expect(result.scenarios?.['browse']?.onStartFailures).toBe(0)
    const iterations = (counts.get('/browse') ?? 0) + (counts.get('/buy') ?? 0)
    expect(iterations).toBe(400 - users - (counts.get('/cart') ?? 0))
    expect(Math.abs((counts.get('/buy') ?? 0) * 10 - iterations)).toBeLessThanOrEqual(10)
  })

  it('a bad `mix` is a PerfError naming it, before any request', async () => {
    server = await startServer()
    await expect(
      loadTest({ url: server.url, users: 1, requests: 5, mix: 'per-task' as never, scenarios: NINE_TO_ONE }),
    ).rejects.toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'mix' })
    expect(server.count).toBe(0)
  })
})
