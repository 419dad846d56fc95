import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type {
  CheckResponse,
  JourneyContext,
  LoadTestOptions,
  NativeTransport,
} from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type JourneyServer, startJourneyServer } from '../../helpers/journey-server.ts'

// A function perfspec calls per request is never awaited: async ones are refused before any load, and a
// plain function that returns a Promise anyway fails its call, its rejection handled.

let server: JourneyServer | undefined
let unhandled: unknown[]
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled)
  await server?.close()
  server = undefined
})

// Rejections surface a turn or two after the run: give them the chance to.
const afterRejections = () => new Promise((resolve) => setTimeout(resolve, 50))

// As JavaScript, or a cast, would pass them: the types refuse an async check.
const asyncCheck = (async () => true) as unknown as (response: CheckResponse) => boolean

describe('async functions are refused before any load', () => {
  const cases: [option: string, options: Partial<LoadTestOptions>][] = [
    ['check', { check: asyncCheck }],
    ['steps[0].check', { steps: [{ path: '/a', check: asyncCheck }] }],
    ['steps[0].capture', { steps: [{ path: '/a', capture: async () => {} }] }],
    ['steps[0].body', { steps: [{ method: 'POST', path: '/a', body: (async () => ({ a: 1 })) as never }] }],
    ['steps[1].path', { steps: [{ path: '/a' }, { path: (async () => '/b') as unknown as () => string }] }],
    ['body', { body: Promise.resolve({ a: 1 }) as never }],
    ['steps[0].body', { steps: [{ method: 'POST', path: '/a', body: Promise.resolve({}) as never }] }],
  ]

  it.each(cases)('%s', async (option, options) => {
    server = await startJourneyServer()
    const run = loadTest({ url: server.url, users: 1, requests: 5, ...options } as LoadTestOptions)
    const error = await run.catch((caught: unknown) => caught)
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    expect((error as { option: string }).option).toBe(option)
    expect(server.count).toBe(0)
  })
})

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']

describe.each(TRANSPORTS)('a function that returns a Promise fails its call, transport %s', (transport) => {
  const load = (options: Omit<LoadTestOptions, 'url'>) =>
    loadTest({ url: server!.url, transport, users: 2, workers: 0, ...options })

  it('a capture: `step_function`, never a success, its rejection handled', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 30,
      steps: [
        {
          name: 'login',
          path: '/login',
          capture: (_response: CheckResponse, _ctx: JourneyContext) =>
            Promise.reject(new Error('decoding failed')) as unknown as undefined,
        },
        { name: 'after', path: '/after' },
      ],
    })
    await afterRejections()
    const login = result.endpoints!['login']!
    expect(login.totalRequests).toBe(30)
    expect(server.count).toBe(30)
    expect(login.errorsByType.step_function?.count).toBe(30)
    expect(login.errorsByType.step_function?.sampleMessages[0]).toContain('returned a Promise')
    expect(server.perRoute.get('/after')).toBeUndefined()
    expect(result.success).toBe(false)
    expect(unhandled).toEqual([])
  })

  it('a step check: `check_failed`, even when it would resolve true', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 20,
      steps: [{ name: 'a', path: '/a', check: () => Promise.resolve(true) as unknown as boolean }],
    })
    const a = result.endpoints!['a']!
    expect(server.count).toBe(20)
    expect(a.errorsByType.check_failed?.count).toBe(20)
    expect(a.errorsByType.check_failed?.sampleMessages[0]).toContain('returned a Promise')
    expect(result.success).toBe(false)
  })

  it('a body or path: `notSent.step_function`, nothing sent (never the body `{}`), rejections handled', async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 20,
      scenarios: [
        {
          name: 'body',
          steps: [
            { name: 'post', method: 'POST', path: '/orders', body: () => Promise.resolve({}) as never },
          ],
        },
        {
          name: 'path',
          steps: [{ name: 'get', path: () => Promise.reject(new Error('no id')) as unknown as string }],
        },
      ],
    })
    await afterRejections()
    expect(server.count).toBe(0)
    expect(result.endpoints!['post']!.notSent?.step_function?.count).toBeGreaterThan(0)
    expect(result.endpoints!['get']!.notSent?.step_function?.count).toBeGreaterThan(0)
    expect(result.metrics.notSent?.step_function?.count).toBe(20)
    expect(result.metrics.totalRequests).toBe(0)
    expect(unhandled).toEqual([])
  })

  it("the run's check (no journey): `check_failed`, its rejection handled", async () => {
    server = await startJourneyServer()
    const result = await load({
      requests: 20,
      check: () => Promise.reject(new Error('slow check')) as unknown as boolean,
    })
    await afterRejections()
    expect(server.count).toBe(20)
    expect(result.metrics.errorsByType.check_failed?.count).toBe(20)
    expect(result.metrics.successfulRequests).toBe(0)
    expect(unhandled).toEqual([])
  })
})
