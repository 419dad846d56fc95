import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'

const url = 'http://127.0.0.1:9/'

function rejection(options: unknown): { code: string; message: string; option?: string | undefined } {
  try {
    resolveLoadOptions(options as LoadTestOptions)
  } catch (error) {
    if (!isPerfError(error)) throw error
    return { code: error.code, message: error.message, option: (error as { option?: string }).option }
  }
  throw new Error('expected a PerfError')
}

describe('resolveLoadOptions', () => {
  it('applies defaults: 10 users for 10 s, GET, 30 s timeout, no ramp-up, on the native engine', () => {
    const resolved = resolveLoadOptions({ url })
    expect(resolved.shape).toMatchObject({
      model: 'closed',
      users: 10,
      durationMs: 10_000,
      requests: undefined,
      rampUpMs: 0,
    })
    expect(resolved.request).toMatchObject({ method: 'GET', timeoutMs: 30_000, name: '/' })
    expect(resolved.tool.name).toBe('native')
    expect(resolved.native).toMatchObject({ transport: 'fast', pipelining: 1, workers: undefined })
  })

  it('has no duration when the run is bounded by requests alone', () => {
    expect(resolveLoadOptions({ url, requests: 100 }).shape).toMatchObject({
      durationMs: undefined,
      requests: 100,
    })
  })

  it('an arrival rate makes the open model; stages give it its duration', () => {
    expect(resolveLoadOptions({ url, rate: 5, maxUsers: 20 }).shape).toMatchObject({
      model: 'open',
      arrival: { kind: 'rate', rate: 5 },
      maxUsers: 20,
    })
    const stages = [
      { duration: '1s', target: 5 },
      { duration: '2s', target: 0 },
    ] as const
    expect(resolveLoadOptions({ url, stages: [...stages] }).shape).toMatchObject({
      model: 'open',
      arrival: { kind: 'stages' },
      durationMs: 3000,
    })
  })

  it("decides 'auto' and puts `workers` in the section of the tool that runs", () => {
    expect(resolveLoadOptions({ url, workers: 2, users: 4 })).toMatchObject({
      native: { workers: 2 },
      tool: { name: 'native', workers: undefined },
    })
    expect(resolveLoadOptions({ url, locustfile: 'f.py', workers: 2 })).toMatchObject({
      native: { workers: undefined },
      tool: { name: 'locust', workers: 2 },
    })
    expect(resolveLoadOptions({ url, script: 'x.js' }).tool.name).toBe('k6')
  })

  it('encodes an object body as JSON with a content-type', () => {
    const { request } = resolveLoadOptions({ url, method: 'POST', body: { a: 1 } })
    expect(request.body?.toString()).toBe('{"a":1}')
    expect(request.headers['content-type']).toBe('application/json')
  })

  it('keeps a caller content-type and lower-cases header names', () => {
    const { request } = resolveLoadOptions({
      url,
      body: { a: 1 },
      headers: { 'Content-Type': 'application/vnd+json' },
    })
    expect(request.headers).toEqual({ 'content-type': 'application/vnd+json' })
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing url', {}, 'url'],
    ['a relative url', { url: '/x' }, 'url'],
    ['an ftp url', { url: 'ftp://127.0.0.1/' }, 'url'],
    ['zero users', { url, users: 0 }, 'users'],
    ['fractional users', { url, users: 1.5 }, 'users'],
    ['ten million users', { url, users: 10_000_000 }, 'users'],
    ['NaN users', { url, users: Number.NaN }, 'users'],
    ['string users', { url, users: '10' }, 'users'],
    ['a negative duration', { url, duration: -1 }, 'duration'],
    ['a zero duration', { url, duration: 0 }, 'duration'],
    ['an infinite duration', { url, duration: Number.POSITIVE_INFINITY }, 'duration'],
    ['a malformed duration', { url, duration: '10 minutes' }, 'duration'],
    ['zero requests', { url, requests: 0 }, 'requests'],
    ['a zero timeout', { url, timeout: 0 }, 'timeout'],
    ['an unknown method', { url, method: 'BREW' }, 'method'],
    ['an unknown tool', { url, tool: 'jmeter' }, 'tool'],
    ['an unknown option', { url, user: 5 }, 'user'],
    ['a header with CRLF', { url, headers: { 'x-a': 'b\r\nx-injected: 1' } }, 'headers.x-a'],
    ['a non-string header', { url, headers: { 'x-a': 1 } }, 'headers.x-a'],
    ['an invalid expectStatus', { url, expectStatus: 999 }, 'expectStatus'],
    ['a non-function check', { url, check: 'status === 200' }, 'check'],
    ['a zero rate', { url, rate: 0 }, 'rate'],
    ['rate and stages together', { url, rate: 5, stages: [{ duration: '1s', target: 5 }] }, 'rate'],
    ['a non-signal signal', { url, signal: {} }, 'signal'],
  ])('rejects %s with PERF_INVALID_OPTION naming the option', (_, options, option) => {
    const error = rejection(options)
    expect(error.code).toBe('PERF_INVALID_OPTION')
    expect(error.option).toBe(option)
    expect(error.message).toContain(`\`${option}\``)
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['pipelining with an arrival rate', { url, rate: 5, pipelining: 2 }, 'pipelining'],
    ['pipelining with a journey', { url, steps: [{ path: '/a' }], pipelining: 2 }, 'pipelining'],
    ['a check across worker threads', { url, users: 2, workers: 2, check: () => true }, 'check'],
    ['more worker threads than users', { url, users: 2, workers: 3 }, 'workers'],
    [
      'a step function in a worker thread',
      { url, workers: 1, steps: [{ path: () => '/a' }] },
      'steps[0].path',
    ],
  ])('refuses, for the native engine, %s with PERF_INVALID_OPTION', (_, options, option) => {
    const error = rejection(options)
    expect(error.code).toBe('PERF_INVALID_OPTION')
    expect(error.option).toBe(option)
  })

  it("leaves the native engine's combinations to it: Locust's worker processes may outnumber nothing", () => {
    expect(resolveLoadOptions({ url, tool: 'locust', users: 2, workers: 3 }).tool.workers).toBe(3)
  })

  it('rejects an unknown threshold with PERF_INVALID_THRESHOLD', () => {
    const error = rejection({ url, thresholds: { maxLatency: 5 } })
    expect(error.code).toBe('PERF_INVALID_THRESHOLD')
    expect(error.message).toContain('maxLatency')
  })
})
