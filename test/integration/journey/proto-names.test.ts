import { afterEach, describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { getOwn } from '../../../src/foundation/util/own-keys.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { perfMatchers } from '../../../src/presentation/matchers/index.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

// Names are keys of results: `__proto__`, `constructor`, `toString` are names like any other, never an
// object's prototype or one of Object.prototype's members.

expect.extend(perfMatchers)

let server: TestServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Counts requests per path, and the `__proto__` header values it read (raw headers: no object in between). */
async function start(): Promise<{ perPath: Map<string, number>; protoHeaders: Set<string> }> {
  const perPath = new Map<string, number>()
  const protoHeaders = new Set<string>()
  server = await startServer((request, response) => {
    perPath.set(request.url ?? '', (perPath.get(request.url ?? '') ?? 0) + 1)
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      if (request.rawHeaders[i] === '__proto__') protoHeaders.add(request.rawHeaders[i + 1]!)
    response.end('ok')
  })
  return { perPath, protoHeaders }
}

/** An object with an own `__proto__` key (a literal `{ __proto__: … }` would set its prototype). */
function withProtoKey(value: string): Record<string, string> {
  const record: Record<string, string> = {}
  Object.defineProperty(record, '__proto__', { value, enumerable: true, writable: true, configurable: true })
  return record
}

const journey = (url: string): LoadTestOptions => ({
  url,
  users: 2,
  requests: 40,
  scenarios: [
    {
      name: '__proto__',
      steps: [
        { name: '__proto__', path: '/proto', headers: withProtoKey('v{{user}}') },
        { name: 'constructor', path: '/constructor' },
      ],
    },
    { name: 'toString', steps: [{ name: 'toString', path: '/to-string' }] },
  ],
})

describe('steps, scenarios and headers named __proto__ (native engine)', () => {
  it('are own keys of the result, counted as the server counts them, and the header is sent', async () => {
    const { perPath, protoHeaders } = await start()
    const result = await loadTest({
      ...journey(server!.url),
      thresholds: {
        'http_reqs{name:__proto__}': ['count<1'],
        'http_reqs{scenario:__proto__}': ['count<1'],
      },
    })
    expect(Object.keys(result.endpoints ?? {}).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(Object.keys(result.scenarios ?? {}).sort()).toEqual(['__proto__', 'toString'])
    expect(Object.getPrototypeOf(result.endpoints)).toBe(Object.prototype)
    const proto = getOwn(result.endpoints, '__proto__')
    expect(proto?.totalRequests).toBe(perPath.get('/proto'))
    expect(result.endpoints?.['constructor']?.totalRequests).toBe(perPath.get('/constructor'))
    expect(getOwn(result.scenarios, '__proto__')?.metrics.totalRequests).toBe(
      (perPath.get('/proto') ?? 0) + (perPath.get('/constructor') ?? 0),
    )
    // Each iteration picks a scenario (1:1): both users run `__proto__`, its header rendered with their number.
    expect([...protoHeaders].sort()).toEqual(['v0', 'v1'])
    // The tagged thresholds judge the endpoint and scenario named __proto__, so `count<1` fails on them.
    const judged = Object.fromEntries(result.thresholds.map((t) => [t.expression, [t.actual, t.passed]]))
    expect(judged['http_reqs{name:__proto__}: count<1']).toEqual([perPath.get('/proto'), false])
    expect(judged['http_reqs{scenario:__proto__}: count<1']?.[1]).toBe(false)
    // Through JSON (reports, the CLI's --json) the names stay.
    const copy = JSON.parse(JSON.stringify(result)) as typeof result
    expect(Object.keys(copy.endpoints ?? {}).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    // A matcher finds the endpoint by name, and not a member of Object.prototype for a name the run lacks.
    expect(result).toHaveErrorRateBelow(1, { endpoint: '__proto__' })
    expect(() => expect(result).toHaveErrorRateBelow(1, { endpoint: 'hasOwnProperty' })).toThrow(
      /found no endpoint 'hasOwnProperty'/,
    )
  })

  it("a threshold naming Object.prototype's members is refused as an unknown endpoint before any load", async () => {
    const { perPath } = await start()
    for (const tag of [
      'name:constructor2',
      'name:hasOwnProperty',
      'scenario:valueOf',
      'scenario:constructor',
    ]) {
      const error = await loadTest({
        ...journey(server!.url),
        thresholds: { [`http_req_duration{${tag}}`]: ['p(95)<60000'] },
      }).catch((caught: unknown) => caught)
      expect(isPerfError(error) && error.code, tag).toBe('PERF_INVALID_THRESHOLD')
    }
    expect(perPath.size).toBe(0)
  })
})
