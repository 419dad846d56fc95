import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../../src/foundation/types.ts'
import { endpointNamesOf, functionFieldsOf } from '../../../../src/options/journey/resolve.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'

const url = 'http://127.0.0.1:9'

function journeyOf(options: Omit<LoadTestOptions, 'url'>) {
  return resolveLoadOptions({ url, ...options }).journey!
}

function rejection(options: Omit<LoadTestOptions, 'url'>): {
  code: string
  option: string | undefined
  message: string
} {
  try {
    resolveLoadOptions({ url, ...options } as LoadTestOptions)
  } catch (error) {
    if (!isPerfError(error)) throw error
    return { code: error.code, option: (error as { option?: string }).option, message: error.message }
  }
  throw new Error('expected a PerfError')
}

describe('resolveJourney', () => {
  it('has no journey without steps or scenarios', () => {
    expect(resolveLoadOptions({ url }).journey).toBeUndefined()
  })

  it("turns `steps` into one scenario 'default' with the run's values as step defaults", () => {
    const journey = journeyOf({
      method: 'PUT',
      headers: { 'X-Run': 'r', accept: 'text/plain' },
      timeout: '2s',
      expectStatus: 204,
      steps: [
        { path: '/a/{{id}}', headers: { Accept: 'application/json' } },
        { name: 'b', method: 'GET', timeout: 1 },
      ],
    })
    expect(journey.scenarios).toHaveLength(1)
    const [scenario] = journey.scenarios
    expect(scenario!.name).toBe('default')
    expect(scenario!.weight).toBe(1)
    expect(scenario!.think).toEqual({ minMs: 0, maxMs: 0 })
    const [a, b] = scenario!.steps
    expect(a).toMatchObject({ name: 'PUT /a/{{id}}', method: 'PUT', path: '/a/{{id}}', timeoutMs: 2000 })
    expect(a!.headers).toEqual({ 'x-run': 'r', accept: 'application/json' })
    expect([...a!.expectStatus!]).toEqual([204])
    expect(b).toMatchObject({ name: 'b', method: 'GET', path: '', timeoutMs: 1000 })
  })

  it('names a function path step `METHOD (function)` and lists its function fields', () => {
    const journey = journeyOf({
      steps: [
        { path: () => '/x', capture: () => {} },
        { path: '/y', body: { a: '{{b}}' } },
      ],
    })
    expect(journey.scenarios[0]!.steps[0]!.name).toBe('GET (function)')
    expect(functionFieldsOf(journey)).toEqual(['steps[0].path', 'steps[0].capture'])
    expect(journey.scenarios[0]!.steps[1]!.headers['content-type']).toBe('application/json')
  })

  it('parses declarative captures', () => {
    const journey = journeyOf({
      steps: [{ path: '/login', capture: { token: 'json:data.token', id: 'header:X-Id' } }],
    })
    expect(journey.scenarios[0]!.steps[0]!.capture).toEqual({
      token: { from: 'json', path: ['data', 'token'], expression: 'json:data.token' },
      id: { from: 'header', name: 'x-id', expression: 'header:X-Id' },
    })
  })

  it('resolves weighted scenarios, the run onStart and think as their defaults', () => {
    const journey = journeyOf({
      think: [10, '20ms'],
      onStart: [{ name: 'login', path: '/login' }],
      scenarios: [
        { name: 'browse', weight: 9, steps: [{ path: '/items' }] },
        { name: 'buy', steps: [{ path: '/buy' }], onStart: [], think: 5 },
      ],
    })
    expect(journey.scenarios.map((s) => [s.name, s.weight, s.onStart.length, s.think])).toEqual([
      ['browse', 9, 1, { minMs: 10, maxMs: 20 }],
      ['buy', 1, 0, { minMs: 5, maxMs: 5 }],
    ])
    expect(functionFieldsOf(journey)).toEqual([])
    expect(endpointNamesOf(journey)).toEqual(['login', 'GET /items', 'GET /buy'])
  })

  it('keeps data, setup and teardown', () => {
    const setup = () => ({ token: 't' })
    const journey = journeyOf({ steps: [{ path: '/' }], data: [{ id: 1 }], setup })
    expect(journey.data).toEqual([{ id: 1 }])
    expect(journey.setup).toBe(setup)
  })
})

describe('resolveJourney refuses bad journeys before any traffic', () => {
  it.each([
    [{ steps: [{ pth: '/x' }] }, 'steps[0].pth'],
    [{ steps: [{ path: 'x' }] }, 'steps[0].path'],
    [{ steps: [{ path: '/a b' }] }, 'steps[0].path'],
    [{ steps: [{ method: 'FETCH' }] }, 'steps[0].method'],
    [{ steps: [{ headers: { 'x-a': 'v\r\nx: y' } }] }, 'steps[0].headers.x-a'],
    [{ steps: [{ capture: { token: 'body:token' } }] }, 'steps[0].capture.token'],
    [{ steps: [{ timeout: -1 }] }, 'steps[0].timeout'],
    [{ steps: [{ expectStatus: 99 }] }, 'steps[0].expectStatus'],
    [{ steps: [] }, 'steps'],
    [{ steps: [{}], scenarios: [] }, 'steps'],
    [{ scenarios: [{ name: 'a', weight: 0, steps: [{}] }] }, 'scenarios[0].weight'],
    [
      {
        scenarios: [
          { name: 'a', steps: [{}] },
          { name: 'a', steps: [{}] },
        ],
      },
      'scenarios[1].name',
    ],
    [{ scenarios: [{ name: 'a', steps: [{ body: 5 }] }] }, 'scenarios[0].steps[0].body'],
    [{ steps: [{}], data: [] }, 'data'],
    [{ steps: [{}], data: [1] }, 'data[0]'],
    [{ steps: [{}], think: [5, 1] }, 'think'],
    [{ steps: [{}], setup: 'no' }, 'setup'],
    [{ onStart: [{}] }, 'onStart'],
    [{ data: [{ id: 1 }] }, 'data'],
  ])('%o → %s', (options, option) => {
    const error = rejection(options as Omit<LoadTestOptions, 'url'>)
    expect(error.code).toBe('PERF_INVALID_OPTION')
    expect(error.option).toBe(option)
  })
})
