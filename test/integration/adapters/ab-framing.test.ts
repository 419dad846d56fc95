import { afterEach, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../../src/adapters/ab.ts'
import { isPerfError, type PerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import {
  type FramingServer,
  RESPONSES,
  type Respond,
  startFramingServer,
} from '../../helpers/framing-servers.ts'
import { childProcesses, describeWithTool } from '../../helpers/tools.ts'

// ab speaks HTTP/1.0 and, with -k, asks for keep-alive. Against HTTP/1.1 servers that frame their answers
// in ways ab cannot follow it used to hang until the kill deadline and then report success with 0
// requests. Each case here ends within its bound with an honest result: a PerfError saying why, or counts
// that match the server's (less perfspec's probe requests and the requests in flight at the end).

const USERS = 2
const BOUND_MS = 12_000
let server: FramingServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
  expect(childProcesses()).toEqual([])
})

async function runAb(
  respond: Respond,
  extra: Partial<LoadTestOptions> = {},
  host: '127.0.0.1' | '::1' = '127.0.0.1',
) {
  server = await startFramingServer(respond, host)
  const started = performance.now()
  const outcome = await loadTest({
    url: server.url,
    tool: 'ab',
    users: USERS,
    duration: '1s',
    timeout: '2s',
    ...extra,
  } as LoadTestOptions).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as PerfError }),
  )
  return { ...outcome, elapsedMs: performance.now() - started, server }
}

function probesOf(result: LoadTestResult): number {
  return Number(/sent (\d+) probe request/.exec(result.warnings.join('\n'))?.[1] ?? 0)
}

/** The server saw ab's requests, perfspec's probes, and at most one request per user still in flight. */
function expectServerCount(result: LoadTestResult, seen: FramingServer): void {
  expect(result.metrics.totalRequests).toBeGreaterThan(0)
  const unaccounted = seen.count - probesOf(result) - result.metrics.totalRequests
  expect(unaccounted).toBeGreaterThanOrEqual(0)
  expect(unaccounted).toBeLessThanOrEqual(USERS)
}

await describeWithTool(new ApacheBenchAdapter(), 'ab against servers it cannot always follow', () => {
  it.each([
    ['chunked responses on a connection kept without saying so', RESPONSES.silentChunked, {}],
    ['a connection kept without saying so', RESPONSES.silentKeep, {}],
    ['HEAD on a connection kept without saying so', RESPONSES.silentHead, { method: 'HEAD' }],
  ] as const)('%s: a PerfError saying why, before any load', async (_name, respond, extra) => {
    const { error, elapsedMs, server: seen } = await runAb(respond, extra)
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error?.message).toContain('Connection: keep-alive')
    expect(error?.message).toMatch(/native|k6/)
    // Only the two probes reached the server.
    expect(seen.count).toBe(2)
    expect(elapsedMs).toBeLessThan(BOUND_MS)
  })

  it.each([
    ['chunked responses with keep-alive', RESPONSES.echoChunked, {}],
    ['HEAD requests', RESPONSES.echoHead, { method: 'HEAD' }],
    ['200 response headers', RESPONSES.manyHeaders, {}],
    ['a server closing after every 7th response', RESPONSES.closeEvery7th, {}],
    ['204 with a body', RESPONSES.noContentWithBody, {}],
    ['POST', RESPONSES.echo, { method: 'POST', body: 'x' }],
  ] as const)('%s: the counts match the server', async (_name, respond, extra) => {
    const { result, elapsedMs, server: seen } = await runAb(respond, extra)
    if (result === undefined) throw new Error('expected a result')
    expectServerCount(result, seen)
    expect(result.metrics.failedRequests).toBe(0)
    expect(elapsedMs).toBeLessThan(BOUND_MS)
  })

  it.each([
    ['GET', {}],
    ['POST', { method: 'POST', body: 'x' }],
  ] as const)('an [::1] URL (%s): the counts match the server', async (_method, extra) => {
    const { result, server: seen } = await runAb(RESPONSES.echo, extra, '::1')
    if (result === undefined) throw new Error('expected a result')
    expectServerCount(result, seen)
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('runs without -k against a server that keeps connections silently but closes when not asked to keep them', async () => {
    const { result, server: seen } = await runAb(RESPONSES.silentKeepHonouringClose)
    if (result === undefined) throw new Error('expected a result')
    expectServerCount(result, seen)
    expect(probesOf(result)).toBe(2)
    expect(result.warnings.join('\n')).toContain('ab ran without -k')
  })

  it('counts truncated bodies as invalid_response, not as successes', async () => {
    const { result, server: seen } = await runAb(RESPONSES.truncated)
    if (result === undefined) throw new Error('expected a result')
    expectServerCount(result, seen)
    expect(result.metrics.failedRequests).toBe(result.metrics.totalRequests)
    expect(result.metrics.errorsByType.invalid_response?.count).toBe(result.metrics.totalRequests)
  })

  it("a 500 ms timeout runs as ab's -s 1, with a warning (ab takes whole seconds)", async () => {
    const { result } = await runAb(RESPONSES.echo, { timeout: '500ms' })
    expect(result?.warnings.join('\n')).toContain('`timeout` 500 ms ran as 1 s')
  })

  it('a server that never answers: ab gives up at its -s idle timeout, a PerfError within the bound', async () => {
    const { error, elapsedMs } = await runAb(RESPONSES.silent, { timeout: '500ms' })
    expect(isPerfError(error, 'PERF_TOOL_FAILED')).toBe(true)
    expect(error?.message).toContain('timeout specified has expired')
    expect(elapsedMs).toBeLessThan(BOUND_MS)
  })

  it('stopped before any response: a run that made no request is no success', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 1500)
    const { result } = await runAb(RESPONSES.silent, {
      timeout: '5s',
      duration: '3s',
      signal: controller.signal,
    })
    expect(result?.metrics.totalRequests).toBe(0)
    expect(result?.success).toBe(false)
    expect(result?.thresholds.map((threshold) => threshold.expression)).toContain(
      'ab completed at least one request',
    )
  })
})
