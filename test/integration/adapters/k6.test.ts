import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { ToolNotFoundError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { recordRequests } from '../../helpers/record-requests.ts'
import { delayed, startServer, type TestServer, unusedPort } from '../../helpers/servers.ts'
import { childProcesses, describeWithTool, waitFor } from '../../helpers/tools.ts'

let server: TestServer
let dir: string

beforeEach(async () => {
  server = await startServer(delayed(20))
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-k6-test-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

it('rejects what perfspec cannot ask of k6 before spawning anything', async () => {
  const cases: [Partial<LoadTestOptions>, string][] = [
    [{ workers: 2 }, 'workers'],
    [{ check: () => true }, 'check'],
    [{ rate: 10, rampUp: 1 }, 'rampUp'],
    [{ requests: 10, rampUp: 1 }, 'rampUp'],
    [{ script: 'user.js', headers: { 'x-a': 'b' } }, 'headers'],
    [{ script: 'user.js', rate: 5 }, 'rate'],
  ]
  for (const [options, option] of cases) {
    const run = loadTest({ url: server.url, tool: 'k6', duration: 1, users: 1, ...options })
    await expect(run).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option, tool: 'k6' })
  }
  expect(server.count).toBe(0)
})

it("`tool: 'auto'` with a script picks k6, and a missing k6 names its install page", async () => {
  const script = path.join(dir, 'user.js')
  await writeFile(script, 'export default function () {}\n')
  const run = loadTest({ url: server.url, script, duration: 1, binary: '/nonexistent/k6' })
  await expect(run).rejects.toBeInstanceOf(ToolNotFoundError)
  await expect(run).rejects.toThrow('/docs/k6/latest/set-up/install-k6/')
  await expect(run).rejects.toMatchObject({ tool: 'k6' })
})

await describeWithTool(new K6Adapter(), 'K6Adapter against a loopback server', () => {
  it('reports its version', async () => {
    expect(await new K6Adapter().version()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('sends exactly `requests` requests and reports p50 and p99 of the 20 ms server', async () => {
    const result = await loadTest({ url: server.url, tool: 'k6', requests: 60, users: 3, duration: 10 })
    expect(result.metrics.totalRequests).toBe(60)
    expect(server.count).toBe(60)
    // At least the server's 20 ms on any machine; read in ms (not s or µs). Under 40 ms on a quiet machine:
    // `npm run bench` (bench/quiet-claims.mjs).
    expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(19.5)
    expect(result.metrics.responseTimes.p50).toBeLessThan(200)
    expect(result.metrics.responseTimes.p99).toBeGreaterThanOrEqual(result.metrics.responseTimes.p50)
  })

  it('delivers hostile header, body and URL values byte for byte', async () => {
    const hostile = `"'\`\${__ENV.HOME}\` """ </script>`
    const body = Buffer.from(`${hostile}\nline two\r\n\u00e9`)
    const seen = recordRequests(server)
    const url = `${server.url}/p"a\`th/\${x}?q="""`
    await loadTest({
      url,
      tool: 'k6',
      method: 'POST',
      requests: 2,
      users: 1,
      headers: { 'x-hostile': hostile },
      body,
    })
    const target = new URL(url)
    expect(seen).toHaveLength(2)
    for (const request of seen) {
      expect(request.url).toBe(`${target.pathname}${target.search}`)
      expect(request.headers['x-hostile']).toBe(hostile)
      expect(request.body.equals(body)).toBe(true)
    }
  })

  it('a duration run counts what the server counted (requests in flight at the end finish)', async () => {
    const result = await loadTest({ url: server.url, tool: 'k6', users: 4, duration: 1 })
    expect(result.metrics.totalRequests).toBeGreaterThan(20)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.metrics.failedRequests).toBe(0)
    expect(result.success).toBe(true)
  })

  it('runs the closed model with a ramp-up and the open model at a rate', async () => {
    const ramped = await loadTest({
      url: server.url,
      tool: 'k6',
      users: 2,
      duration: '1500ms',
      rampUp: '500ms',
    })
    expect(ramped.metrics.totalRequests).toBe(server.count)
    const before = server.count
    const open = await loadTest({ url: server.url, tool: 'k6', users: 2, rate: 20, duration: 1 })
    // constant-arrival-rate schedules 20 iterations in the second: started, or dropped when k6 (starved by its
    // neighbours on a busy machine) found both VUs busy.
    const scheduled = open.metrics.totalRequests + open.droppedIterations!
    expect(scheduled).toBeGreaterThanOrEqual(19)
    expect(scheduled).toBeLessThanOrEqual(21)
    expect(open.metrics.totalRequests).toBeGreaterThan(0)
    expect(open.metrics.totalRequests).toBe(server.count - before)
  })

  it("treats exit code 99 (k6's own thresholds failed) as a finished, unsuccessful run with k6's values", async () => {
    const script = path.join(dir, 'thresholds.js')
    await writeFile(
      script,
      [
        "import http from 'k6/http'",
        'export const options = {',
        "  thresholds: { http_req_duration: ['p(95)<1', 'avg<10000'], http_reqs: ['count>0'] },",
        '}',
        `export default function () { http.get(${JSON.stringify(server.url)}) }`,
        '',
      ].join('\n'),
    )
    const result = await loadTest({ url: server.url, script, users: 1, duration: 1 })
    expect(result.tool).toBe('k6')
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.success).toBe(false)
    const byExpression = new Map(result.thresholds.map((threshold) => [threshold.expression, threshold]))
    // k6's p(95) of a 20 ms server, as k6 computed it (the same number the result carries).
    expect(byExpression.get('k6 http_req_duration: p(95)<1')).toEqual({
      expression: 'k6 http_req_duration: p(95)<1',
      actual: result.metrics.responseTimes.p95,
      passed: false,
    })
    expect(byExpression.get('k6 http_req_duration: p(95)<1')?.actual).toBeGreaterThanOrEqual(19.5)
    expect(byExpression.get('k6 http_req_duration: avg<10000')?.passed).toBe(true)
    expect(byExpression.get('k6 http_reqs: count>0')).toMatchObject({
      actual: result.metrics.totalRequests,
      passed: true,
    })
  })

  it('maps `timeout` to the per-request timeout: a hanging server fails every request after it', async () => {
    server.setHandler(() => {})
    const result = await loadTest({
      url: server.url,
      tool: 'k6',
      users: 2,
      duration: 1,
      timeout: '300ms',
      thresholds: { maxErrorRatePercent: 0 },
    })
    expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(4)
    expect(result.metrics.totalRequests).toBe(server.count)
    expect(result.metrics.failedRequests).toBe(result.metrics.totalRequests)
    // k6's http_req_duration leaves out connecting and waiting for a connection, which the 300 ms include:
    // a few ms under it on a busy machine (297.8 ms at load average 5).
    expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(250)
    expect(result.metrics.responseTimes.max).toBeLessThan(1000)
    // k6's error_code 1050, filed as perfspec's timeout.
    expect(result.metrics.errorsByType).toEqual({
      timeout: { count: result.metrics.totalRequests, sampleMessages: [expect.stringContaining('1050')] },
    })
    expect(result.success).toBe(false)
  })

  it('waits for requests k6 lets finish after the duration (timeout beyond the grace period)', async () => {
    server.setHandler(() => {})
    // The grace covers k6's start and its summary: 6 s of it, for a busy machine (at load average 20 on 2
    // cores, the whole run took up to 4 s beyond the request's 8 s).
    process.env.PERFSPEC_TOOL_GRACE = '6s'
    try {
      // A request started at 0 s times out at 8 s, after duration + grace (7 s), whatever k6's start took: k6
      // waits for it (gracefulStop), and so must perfspec.
      const result = await loadTest({ url: server.url, tool: 'k6', users: 1, duration: 1, timeout: 8 })
      expect(result.metrics.totalRequests).toBe(1)
      expect(result.metrics.errorsByType.timeout?.count).toBe(1)
      // k6's http_req_duration leaves out connecting: under the 8 s timeout, past duration + grace.
      expect(result.metrics.responseTimes.min).toBeGreaterThanOrEqual(7000)
    } finally {
      delete process.env.PERFSPEC_TOOL_GRACE
    }
  })

  it('files refused connections as connection_refused (error_code 1212)', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/`
    const result = await loadTest({ url, tool: 'k6', requests: 5, users: 1 })
    expect(result.metrics.totalRequests).toBe(5)
    expect(result.metrics.failedRequests).toBe(5)
    expect(Object.keys(result.metrics.errorsByType)).toEqual(['connection_refused'])
    expect(result.metrics.errorsByType.connection_refused?.count).toBe(5)
  })

  it('files resets as connection_reset (error_code 1220) and statuses as http_4xx / http_5xx', async () => {
    server.setHandler((request) => request.socket.resetAndDestroy())
    const reset = await loadTest({ url: server.url, tool: 'k6', requests: 4, users: 1 })
    expect(reset.metrics.totalRequests).toBe(4)
    expect(server.count).toBe(4)
    expect(reset.metrics.errorsByType).toEqual({
      connection_reset: { count: 4, sampleMessages: [expect.stringContaining('1220')] },
    })
    let answered = 0
    server.setHandler((_request, response) => {
      response.statusCode = [404, 503, 200][answered++ % 3] ?? 200
      response.end('x')
    })
    const statuses = await loadTest({ url: server.url, tool: 'k6', requests: 9, users: 1 })
    expect(statuses.metrics).toMatchObject({ totalRequests: 9, failedRequests: 6, successfulRequests: 3 })
    expect(statuses.metrics.errorsByType.http_4xx?.count).toBe(3)
    expect(statuses.metrics.errorsByType.http_5xx?.count).toBe(3)
    expect(statuses.warnings).toContain("k6's summary reports no status codes")
  })

  it('an abort mid-run stops k6, keeps what it measured, and leaves no process and no folder', async () => {
    const runTmp = path.join(dir, 'tmp')
    await mkdir(runTmp)
    const previousTmp = process.env.TMPDIR
    // The adapter's run folder goes under a folder of this test's own, to see it removed.
    process.env.TMPDIR = runTmp
    try {
      const controller = new AbortController()
      const run = new K6Adapter().run(
        resolveLoadOptions({ url: server.url, duration: 5, users: 2, signal: controller.signal }),
      )
      await waitFor(() => server.count >= 10)
      controller.abort()
      const result = await run
      expect(result.aborted).toBe(true)
      // k6 wrote its summary on SIGINT; requests cut in flight (at most one per VU) are not counted.
      expect(result.metrics.totalRequests).toBeGreaterThanOrEqual(server.count - 2)
      expect(result.metrics.totalRequests).toBeLessThanOrEqual(server.count)
      expect(childProcesses().filter((child) => /k6/.test(child.command))).toEqual([])
      expect(await readdir(runTmp)).toEqual([])
    } finally {
      if (previousTmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = previousTmp
    }
  })

  it('an abort while every request hangs stops k6 at once', async () => {
    server.setHandler(() => {})
    const controller = new AbortController()
    const run = new K6Adapter().run(
      resolveLoadOptions({ url: server.url, duration: 10, users: 2, signal: controller.signal }),
    )
    await waitFor(() => server.count >= 2)
    controller.abort()
    const result = await run
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBe(0)
    expect(childProcesses().filter((child) => /k6/.test(child.command))).toEqual([])
  })
})
