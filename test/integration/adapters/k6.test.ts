import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { ToolNotFoundError } from '../../../src/errors.ts'
import { loadTest } from '../../../src/load-test.ts'
import { resolveLoadOptions } from '../../../src/options.ts'
import type { LoadTestOptions } from '../../../src/types.ts'
import { recordRequests } from '../../helpers/record-requests.ts'
import { delayed, startServer, type TestServer } from '../../helpers/servers.ts'
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
  await expect(run).rejects.toThrow('https://grafana.com/docs/k6/latest/set-up/install-k6/')
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
    expect(result.metrics.responseTimes.p50).toBeGreaterThanOrEqual(19.5)
    expect(result.metrics.responseTimes.p50).toBeLessThan(40)
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

  it("treats exit code 99 (k6's own thresholds failed) as a finished, unsuccessful run", async () => {
    const script = path.join(dir, 'thresholds.js')
    await writeFile(
      script,
      [
        "import http from 'k6/http'",
        "export const options = { thresholds: { http_req_duration: ['p(95)<1'] } }",
        `export default function () { http.get(${JSON.stringify(server.url)}) }`,
        '',
      ].join('\n'),
    )
    const result = await loadTest({ url: server.url, script, users: 1, duration: 1 })
    expect(result.tool).toBe('k6')
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(result.success).toBe(false)
    expect(result.thresholds).toContainEqual(
      expect.objectContaining({ expression: 'k6 http_req_duration: p(95)<1', passed: false }),
    )
  })

  it('an abort mid-run stops k6 and leaves no process', async () => {
    const controller = new AbortController()
    const run = new K6Adapter().run(
      resolveLoadOptions({ url: server.url, duration: 5, users: 2, signal: controller.signal }),
    )
    await waitFor(() => server.count >= 10)
    controller.abort()
    const result = await run
    expect(result.aborted).toBe(true)
    expect(childProcesses().filter((child) => /k6/.test(child.command))).toEqual([])
  })
})
