import { afterEach, beforeEach, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../../src/adapters/ab.ts'
import { isPerfError, ToolFailedError, ToolNotFoundError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { recordRequests } from '../../helpers/record-requests.ts'
import { delayed, startServer, type TestServer, unusedPort } from '../../helpers/servers.ts'
import { childProcesses, describeWithTool, waitFor } from '../../helpers/tools.ts'

let server: TestServer

beforeEach(async () => {
  server = await startServer(delayed(20))
})

afterEach(async () => {
  await server.close()
})

const abChildren = () => childProcesses().filter((child) => /(^|\/)ab /.test(child.command))

it('rejects what ab cannot do before spawning anything', async () => {
  const cases: [Partial<LoadTestOptions>, string][] = [
    [{ rampUp: '1s' }, 'rampUp'],
    [{ rate: 10 }, 'rate'],
    [{ workers: 2 }, 'workers'],
    [{ duration: '1500ms' }, 'duration'],
    [{ check: () => true }, 'check'],
    [{ expectStatus: 200 }, 'expectStatus'],
    [{ requests: 2, users: 4 }, 'users'],
  ]
  for (const [options, option] of cases) {
    const run = loadTest({ url: server.url, tool: 'ab', duration: 1, users: 1, ...options })
    await expect(run).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option, tool: 'ab' })
  }
  expect(server.count).toBe(0)
})

it('names the install command when ab is missing', async () => {
  const run = loadTest({ url: server.url, tool: 'ab', requests: 1, users: 1, binary: '/nonexistent/ab' })
  await expect(run).rejects.toBeInstanceOf(ToolNotFoundError)
  await expect(run).rejects.toThrow('apt-get install apache2-utils')
})

await describeWithTool(new ApacheBenchAdapter(), 'ApacheBenchAdapter against a loopback server', () => {
  it('reports its version', async () => {
    expect(await new ApacheBenchAdapter().version()).toMatch(/^\d+\.\d+/)
  })

  it('sends exactly `requests` requests and reports p50 of the 20 ms server', async () => {
    const result = await loadTest({ url: `${server.url}/count`, tool: 'ab', requests: 120, users: 4 })
    expect(result.tool).toBe('ab')
    expect(result.metrics.totalRequests).toBe(120)
    // And the one GET that perfspec sends first to learn how the server frames HTTP/1.0 responses.
    expect(server.count).toBe(120 + 1)
    expect(result.warnings.join('\n')).toContain('sent 1 probe request')
    expect(result.metrics.failedRequests).toBe(0)
    // At least the server's 20 ms on any machine; read in ms (not s or µs). Under 40 ms on a quiet machine:
    // `npm run bench` (bench/quiet-claims.mjs).
    expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(19.5)
    expect(result.metrics.responseTimes.p50).toBeLessThan(200)
    expect(result.metrics.responseTimes.p99).toBeGreaterThanOrEqual(result.metrics.responseTimes.p50)
  })

  it('runs for a duration; the server saw at most `users` more requests than ab completed', async () => {
    const result = await loadTest({ url: server.url, tool: 'ab', duration: 1, users: 3 })
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(server.count - result.metrics.totalRequests).toBeGreaterThanOrEqual(0)
    expect(server.count - result.metrics.totalRequests).toBeLessThanOrEqual(3)
    expect(result.metrics.rps).toBeGreaterThan(0)
  })

  it('sends the method, headers and body as given', async () => {
    const seen = recordRequests(server)
    // A literal `${x}`, not a template: it must reach the server as written.
    const body = ['line one\n"quoted" `tick` $', '{x}'].join('')
    await loadTest({
      url: server.url,
      tool: 'ab',
      method: 'PATCH',
      requests: 2,
      users: 1,
      headers: { 'x-probe': 'a "b" c', 'content-type': 'text/x-test' },
      body,
    })
    // perfspec's probe is a GET without the body; ab sends the two requests as given.
    expect(seen.filter((request) => request.method === 'GET')).toHaveLength(1)
    const sent = seen.filter((request) => request.method !== 'GET')
    expect(sent).toHaveLength(2)
    for (const request of sent) {
      expect(request).toMatchObject({
        method: 'PATCH',
        headers: { 'x-probe': 'a "b" c', 'content-type': 'text/x-test' },
      })
      expect(request.body.toString()).toBe(body)
    }
  })

  it('counts 5xx and resets as failures of their type', async () => {
    let n = 0
    server.setHandler((request, response) => {
      n++
      if (n % 4 === 0) request.socket.resetAndDestroy()
      else if (n % 4 === 1) {
        response.statusCode = 503
        response.end('no')
      } else response.end('ok')
    })
    const result = await loadTest({ url: server.url, tool: 'ab', requests: 40, users: 2 })
    const { errorsByType, failedRequests, totalRequests } = result.metrics
    expect(totalRequests).toBe(40)
    expect(errorsByType.unexpected_status?.count).toBeGreaterThan(0)
    expect(errorsByType.connection_reset?.count).toBeGreaterThan(0)
    expect(failedRequests).toBeGreaterThan(0)
    expect(result.warnings.join('\n')).toContain('does not report status codes')
  })

  it('counts refused connections as failed (ab reports them as Receive errors)', async () => {
    const port = await unusedPort()
    const result = await loadTest({ url: `http://127.0.0.1:${port}/`, tool: 'ab', requests: 20, users: 2 })
    expect(result.metrics.failedRequests).toBe(result.metrics.totalRequests)
    expect(result.metrics.errorsByType.connection_reset?.count).toBeGreaterThan(0)
  })

  it('fails with the tail of stderr when ab gives up (a response exceeds `timeout`)', async () => {
    server.setHandler(() => {})
    const run = loadTest({ url: server.url, tool: 'ab', requests: 2, users: 1, timeout: '1s' })
    await expect(run).rejects.toBeInstanceOf(ToolFailedError)
    await expect(run).rejects.toThrow(/timeout/i)
  })

  it('an abort mid-run stops ab, keeps what it measured and leaves no process', async () => {
    const controller = new AbortController()
    const run = new ApacheBenchAdapter().run(
      resolveLoadOptions({ url: server.url, duration: 3, users: 2, signal: controller.signal }),
    )
    await waitFor(() => server.count >= 10)
    expect(abChildren()).toHaveLength(1)
    controller.abort()
    const result = await run
    expect(result.aborted).toBe(true)
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(abChildren()).toEqual([])
    const countAfterAbort = server.count
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(server.count).toBe(countAfterAbort)
  })

  it('errors carry stable codes', async () => {
    const error = await loadTest({ url: server.url, tool: 'ab', rampUp: 1 }).catch(
      (caught: unknown) => caught,
    )
    expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION')).toBe(true)
  })
})
