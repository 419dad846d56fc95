import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPerfError } from '../../src/foundation/errors.ts'
import { BenchmarkRunner } from '../../src/orchestration/bench/runner.ts'
import { benchmark } from '../../src/orchestration/benchmark.ts'
import { PerformanceClient } from '../../src/orchestration/client.ts'
import { runComparison } from '../../src/orchestration/compare-runs.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { stressTest } from '../../src/orchestration/stress-test.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

// Every public entry point, fed wrong types, negatives, zero, NaN, Infinity, absurd sizes, unknown keys and
// unparsable URLs: a PerfError with its code before any traffic — the server counts zero requests.

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

const bad = {
  numbers: [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '10', null, true, {}],
  durations: [
    -1,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '10 minutes',
    'soon',
    '',
    '1d',
    '-5s',
    {},
    [],
    null,
  ],
}

type Case = [label: string, code: string, run: (url: string) => Promise<unknown>]

function loadCases(): Case[] {
  const cases: Case[] = []
  const base = { duration: '1s', users: 1 }
  const add = (option: string, values: unknown[], code = 'PERF_INVALID_OPTION') => {
    for (const value of values) {
      cases.push([
        `loadTest ${option}: ${JSON.stringify(value) ?? String(value)}`,
        code,
        (url) => loadTest({ url, ...base, [option]: value } as never),
      ])
    }
  }
  add('users', [...bad.numbers, 10_000_000])
  add('duration', bad.durations)
  add('requests', [...bad.numbers, 1e12])
  add('rampUp', [-1, Number.NaN, 'later', {}])
  add('timeout', bad.durations)
  add('rate', [-1, 0, Number.NaN, Number.POSITIVE_INFINITY, '5', 1e9])
  add('maxUsers', [...bad.numbers, 10_000_000])
  add('workers', [-1, 1.5, Number.NaN, 1e6])
  add('stages', [
    [],
    {},
    'ramp',
    [{ duration: '1s' }],
    [{ duration: 'x', target: 5 }],
    [{ duration: '1s', target: -1 }],
  ])
  add('method', ['get ', 'BREW', 1, null])
  add('tool', ['jmeter', '', 1, null])
  add('headers', ['x', [], 1, { 'bad name': 'v' }, { 'x-a': 1 }, { 'x-a': 'v\r\nx-b: injected' }])
  add('body', [1, true])
  add('expectStatus', [0, 99, 600, 1.5, [], ['200']])
  add('check', ['status === 200', 1, {}])
  add('signal', [{}, 'abort', 1])
  add('name', ['', 1])
  add('monitor', ['pid', { pid: -1 }, { pid: 1.5 }])
  add('masterPort', [0, 70_000, 'x'])
  add('unknownOption', [1])
  add(
    'thresholds',
    [{ maxLatency: 1 }, { http_req_duration: ['p95<1'] }, { maxP95Ms: -1 }, 'fast'],
    'PERF_INVALID_THRESHOLD',
  )
  for (const url of [undefined, '', 'not a url', '/relative', 'ftp://127.0.0.1/', 'http://', 1]) {
    cases.push([
      `loadTest url: ${JSON.stringify(url)}`,
      'PERF_INVALID_OPTION',
      () => loadTest({ ...base, url } as never),
    ])
  }
  return cases
}

// Injection: CR, LF, NUL and other controls, and characters above Latin-1 whose low byte is one of them
// (the fast transport encodes Latin-1), in header names and values, the method, the URL's path and query.
// Every tool refuses them before it starts: the same rule for all.
const INJECTION_TARGETS = [
  ['native (undici)', { tool: 'native', transport: 'undici' }],
  ['native (fast)', { tool: 'native', transport: 'fast' }],
  ['k6', { tool: 'k6' }],
  ['ab', { tool: 'ab' }],
  ['locust', { tool: 'locust' }],
] as const

function injectionCases(): Case[] {
  const smuggle = 'GET /smuggled HTTP/1.1\r\nhost: victim\r\n\r\n'
  const variants: [label: string, options: (url: string) => Record<string, unknown>][] = []
  for (const value of [
    `v\r\n${smuggle}`,
    'v\r',
    'v\nx-b: 1',
    'v\0',
    'v\x01',
    'v\x0b',
    'v\x1b',
    'v\x7f',
    '\u010d\u010aGET /smuggled HTTP/1.1\u010d\u010ahost: victim',
    'v\u0100',
    '\u20ac5 \u{1f600}',
  ]) {
    variants.push([`header value ${JSON.stringify(value)}`, (url) => ({ url, headers: { 'x-a': value } })])
  }
  for (const name of ['x-a\r\nx-b', 'x-a\n', 'x\0', 'x-\u010d\u010a', 'x a']) {
    variants.push([`header name ${JSON.stringify(name)}`, (url) => ({ url, headers: { [name]: 'v' } })])
  }
  for (const method of ['GET\r\n', 'GET / HTTP/1.1\r\nhost: victim\r\n\r\nGET', 'GET\u010d\u010a']) {
    variants.push([`method ${JSON.stringify(method)}`, (url) => ({ url, method })])
  }
  for (const suffix of ['a\r\nx-b: 1', 'a\nb', 'a\0b', 'a\tb', '?q=1\r\nx-b: 1', '?q=\x7f', '?q=\x01']) {
    variants.push([`URL ending ${JSON.stringify(suffix)}`, (url) => ({ url: `${url}${suffix}` })])
  }
  const cases: Case[] = []
  for (const [tool, toolOptions] of INJECTION_TARGETS) {
    for (const [label, options] of variants) {
      cases.push([
        `${tool}: ${label}`,
        'PERF_INVALID_OPTION',
        (url) => loadTest({ duration: '1s', users: 1, ...toolOptions, ...options(url) } as never),
      ])
    }
  }
  return cases
}

const otherCases: Case[] = [
  ['stressTest without maxUsers', 'PERF_INVALID_OPTION', (url) => stressTest({ url } as never)],
  [
    'stressTest maxUsers 10 million',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10_000_000 }),
  ],
  ['stressTest stepUsers 0', 'PERF_INVALID_OPTION', (url) => stressTest({ url, maxUsers: 10, stepUsers: 0 })],
  [
    'stressTest startUsers NaN',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10, startUsers: Number.NaN }),
  ],
  [
    'stressTest stepDuration -1',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10, stepDuration: -1 }),
  ],
  [
    'stressTest breakOn junk',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10, breakOn: { maxP95Ratio: -2 } }),
  ],
  [
    'stressTest users (not a stress option)',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10, users: 5 } as never),
  ],
  ['benchmark requests 0', 'PERF_INVALID_OPTION', (url) => benchmark({ url, requests: 0 })],
  [
    'benchmark concurrency Infinity',
    'PERF_INVALID_OPTION',
    (url) => benchmark({ url, concurrency: Number.POSITIVE_INFINITY }),
  ],
  ['benchmark warmup -1', 'PERF_INVALID_OPTION', (url) => benchmark({ url, warmup: -1 })],
  [
    'stressTest breakOn unknown key',
    'PERF_INVALID_OPTION',
    (url) => stressTest({ url, maxUsers: 10, breakOn: { maxP99Ratio: 2 } as never }),
  ],
  ['stressTest unknown key', 'PERF_INVALID_OPTION', (url) => stressTest({ url, maxUser: 10 } as never)],
  [
    'benchmark of a function, unknown key',
    'PERF_INVALID_OPTION',
    () => benchmark(() => {}, { iteration: 5 } as never),
  ],
  [
    'compareFunctions unknown key',
    'PERF_INVALID_OPTION',
    () => new BenchmarkRunner().compareFunctions({ a() {}, b() {} }, { confidance: 0.9 } as never),
  ],
  [
    'compareFunctions confidence 1',
    'PERF_INVALID_OPTION',
    () => new BenchmarkRunner().compareFunctions({ a() {}, b() {} }, { confidence: 1 }),
  ],
  [
    'PerformanceClient unknown key',
    'PERF_INVALID_OPTION',
    () => Promise.resolve().then(() => new PerformanceClient({ baseURL: 'http://x.invalid' } as never)),
  ],
  ['benchmark unknown key', 'PERF_INVALID_OPTION', (url) => benchmark({ url, iterations: 5 } as never)],
  [
    'benchmark of a function, iterations 0',
    'PERF_INVALID_OPTION',
    () => benchmark(() => {}, { iterations: 0 }),
  ],
  [
    'benchmarkSync of a non-function',
    'PERF_INVALID_OPTION',
    () => Promise.resolve().then(() => new BenchmarkRunner().benchmarkSync('x' as never)),
  ],
  [
    'benchmarkAsync warmupIterations NaN',
    'PERF_INVALID_OPTION',
    () => new BenchmarkRunner().benchmarkAsync(async () => {}, { warmupIterations: Number.NaN }),
  ],
  [
    'runComparison with one bad config',
    'PERF_INVALID_OPTION',
    (url) => runComparison({ good: { url, requests: 1 }, bad: { url, users: -1 } }),
  ],
  ['runComparison with nothing to compare', 'PERF_INVALID_OPTION', () => runComparison([])],
  [
    'PerformanceClient baseUrl',
    'PERF_INVALID_OPTION',
    () => Promise.resolve().then(() => new PerformanceClient({ baseUrl: 'nope' })),
  ],
  [
    'PerformanceClient tool',
    'PERF_INVALID_OPTION',
    () => Promise.resolve().then(() => new PerformanceClient({ tool: 'jmeter' as never })),
  ],
  [
    'PerformanceClient defaults.users',
    'PERF_INVALID_OPTION',
    (url) => new PerformanceClient({ defaults: { users: -3 } }).loadTest({ url, requests: 1 }),
  ],
]

describe('bad input is rejected before any traffic', () => {
  it.each([...loadCases(), ...injectionCases(), ...otherCases])('%s → %s', async (_label, code, run) => {
    const before = server.count
    const error = await Promise.resolve()
      .then(() => run(`${server.url}/`))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    expect(isPerfError(error), `expected a PerfError, got ${String(error)}`).toBe(true)
    expect((error as { code: string }).code).toBe(code)
    expect((error as Error).message.length).toBeGreaterThan(10)
    // Give any stray request time to arrive: there must be none.
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(server.count).toBe(before)
  })
})

/** The error a call rejects with (a resolved call is a test failure). */
async function rejectionOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(outcome instanceof Error)) throw new Error('expected the call to reject')
  return outcome
}

describe('secrets stay out of error messages', () => {
  it('does not echo an Authorization value or URL password', async () => {
    const headerError = await rejectionOf(
      loadTest({
        url: server.url,
        headers: { authorization: 'Bearer s3cret\n' },
      }),
    )
    expect(headerError.message).toContain('headers.authorization')
    expect(headerError.message).not.toContain('s3cret')
    const urlError = await rejectionOf(loadTest({ url: 'http://user:hunter2@exa mple.invalid/' }))
    expect(isPerfError(urlError, 'PERF_INVALID_OPTION')).toBe(true)
    expect(urlError.message).not.toContain('hunter2')
  })

  it('points past the user cap to workers and Locust distributed mode', async () => {
    const error = await rejectionOf(loadTest({ url: server.url, users: 20_000 }))
    expect(error.message).toMatch(/workers/)
    expect(error.message).toMatch(/Locust/)
  })
})
