import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import { ToolFailedError, ToolNotFoundError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { recordRequests } from '../../helpers/record-requests.ts'
import { delayed, startServer, type TestServer } from '../../helpers/servers.ts'
import { childProcesses, connectionsTo, describeWithTool, waitFor } from '../../helpers/tools.ts'

let server: TestServer
let dir: string

beforeEach(async () => {
  server = await startServer(delayed(20))
  dir = await mkdtemp(path.join(tmpdir(), 'perfspec-locust-test-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

const locustChildren = () => childProcesses().filter((child) => /locust/.test(child.command))
// Locust's -t clock includes spawning its users, which a busy machine slows: a run that must send something
// gets 3 s, not 1.
const SENDS_SURELY = 3

it('rejects what Locust cannot do before spawning anything', async () => {
  const cases: [Partial<LoadTestOptions>, string][] = [
    [{ rate: 10 }, 'rate'],
    [{ requests: 100 }, 'requests'],
    [{ check: () => true }, 'check'],
    [{ duration: '1500ms' }, 'duration'],
    [{ masterPort: 5557 }, 'masterPort'],
    [{ masterPort: 5557, workers: 0 }, 'masterPort'],
    [{ locustfile: 'x.py', headers: { 'x-a': 'b' } }, 'headers'],
  ]
  for (const [options, option] of cases) {
    const run = loadTest({ url: server.url, tool: 'locust', duration: 1, users: 1, ...options })
    await expect(run).rejects.toMatchObject({ code: 'PERF_TOOL_UNSUPPORTED_OPTION', option, tool: 'locust' })
  }
  expect(server.count).toBe(0)
})

it('names the install command when Locust is missing', async () => {
  const run = loadTest({ url: server.url, tool: 'locust', duration: 1, binary: '/nonexistent/locust' })
  await expect(run).rejects.toBeInstanceOf(ToolNotFoundError)
  await expect(run).rejects.toThrow('apt-get install python3-locust')
})

await describeWithTool(new LocustAdapter(), 'LocustAdapter against a loopback server', () => {
  it('reports its version, even where the package leaves it empty', async () => {
    expect(await new LocustAdapter().version()).toMatch(/^\d+\.\d+/)
  })

  it('counts what the server counts (less the requests in flight at the end) and reports p50 of the 20 ms server', async () => {
    const users = 3
    const result = await loadTest({ url: `${server.url}/standalone`, tool: 'locust', users, duration: 2 })
    const { metrics } = result
    expect(result.tool).toBe('locust')
    expect(metrics.totalRequests).toBeGreaterThan(0)
    expect(server.count - metrics.totalRequests).toBeGreaterThanOrEqual(0)
    expect(server.count - metrics.totalRequests).toBeLessThanOrEqual(users)
    expect(metrics.failedRequests).toBe(0)
    // Whole ms, rounded to 2 significant digits: at least the server's 20 ms (19 after rounding) on any
    // machine, read in ms (not s or µs); 19–21 on a quiet machine (`npm run bench`: bench/quiet-claims.mjs).
    expect(metrics.responseTimes.p50).toBeGreaterThanOrEqual(19)
    expect(metrics.responseTimes.p50).toBeLessThan(200)
    expect(result.timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(metrics.totalRequests)
    expect(result.warnings.join('\n')).toContain('rounded to 2 significant digits')
  })

  it('runs the whole duration from its first user: durationMs covers it, rps is requests over it', async () => {
    const users = 2
    const { metrics } = await loadTest({ url: server.url, tool: 'locust', users, duration: 2 })
    // Locust's own -t clock starts before its users do (a third of a second on a quiet machine, more on a
    // busy one): the load ran that much shorter than asked, and the duration with it.
    expect(metrics.durationMs).toBeGreaterThanOrEqual(2000)
    expect(metrics.durationMs).toBeLessThan(2000 + 5000)
    expect(metrics.rps).toBeCloseTo(metrics.totalRequests / (metrics.durationMs / 1000), 6)
    expect(server.count - metrics.totalRequests).toBeGreaterThanOrEqual(0)
    expect(server.count - metrics.totalRequests).toBeLessThanOrEqual(users)
  })

  it('`workers: 0` runs standalone, as no workers means on the native engine', async () => {
    const result = await loadTest({ url: server.url, tool: 'locust', users: 2, duration: 1, workers: 0 })
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('runs two real workers under one master, the server sees both, and no process is left', async () => {
    const seenFromWorkers = new Map<number, number>()
    const run = loadTest({ url: server.url, tool: 'locust', users: 4, duration: 3, workers: 2 })
    await waitFor(() => server.count >= 40)
    for (const worker of locustChildren().filter((child) => child.command.includes('--worker'))) {
      const ports = connectionsTo(worker.pid, server.port).filter((port) => server.remotePorts.has(port))
      seenFromWorkers.set(worker.pid, ports.length)
    }
    const result = await run
    expect(seenFromWorkers.size).toBe(2)
    for (const connections of seenFromWorkers.values()) expect(connections).toBeGreaterThan(0)
    expect(server.count - result.metrics.totalRequests).toBeGreaterThanOrEqual(0)
    expect(server.count - result.metrics.totalRequests).toBeLessThanOrEqual(4)
    expect(locustChildren()).toEqual([])
  })

  it('counts 5xx responses as http_5xx failures', async () => {
    server.setHandler(delayed(5, 503))
    const result = await loadTest({ url: server.url, tool: 'locust', users: 2, duration: SENDS_SURELY })
    expect(result.metrics.failedRequests).toBe(result.metrics.totalRequests)
    expect(result.metrics.errorsByType.http_5xx?.count).toBe(result.metrics.totalRequests)
    expect(result.metrics.errorsByType.http_5xx?.sampleMessages.join()).toContain('HTTP 503')
  })

  it('delivers hostile header, body and URL values byte for byte and executes nothing', async () => {
    const hostile = `"""'; import os; os._exit(3) #\`\${process.exit(1)}\` \\ "x" '''`
    const body = Buffer.from(`${hostile}\nline two\r\n"""\n\u00e9\u2603 \${7*7}`)
    const seen = recordRequests(server)
    const url = `${server.url}/p"a\`th/\${x}?q="""&r='1'`
    const result = await loadTest({
      url,
      tool: 'locust',
      method: 'POST',
      users: 1,
      duration: SENDS_SURELY,
      headers: { 'x-hostile': hostile },
      body,
    })
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect(seen.length).toBeGreaterThan(0)
    const target = new URL(url)
    for (const request of seen) {
      expect(request.url).toBe(`${target.pathname}${target.search}`)
      expect(request.headers['x-hostile']).toBe(hostile)
      expect(request.body.equals(body)).toBe(true)
    }
  })

  it("runs the user's locustfile when `tool: 'auto'` is given one", async () => {
    const locustfile = path.join(dir, 'user_locustfile.py')
    await writeFile(
      locustfile,
      [
        'from locust import FastHttpUser, constant, task',
        'class Visitor(FastHttpUser):',
        '    wait_time = constant(0.05)',
        '    @task',
        '    def visit(self):',
        '        self.client.get("/from-user-file")',
        '',
      ].join('\n'),
    )
    const paths = new Set<string>()
    server.setHandler((request, response) => {
      paths.add(request.url ?? '')
      response.end('ok')
    })
    const result = await loadTest({ url: server.url, locustfile, users: 1, duration: SENDS_SURELY })
    expect(result.tool).toBe('locust')
    expect(result.metrics.totalRequests).toBeGreaterThan(0)
    expect([...paths]).toEqual(['/from-user-file'])
  })

  it('names the `locustfile` option when the file is missing', async () => {
    const run = loadTest({ url: server.url, locustfile: path.join(dir, 'missing.py'), duration: 1 })
    await expect(run).rejects.toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'locustfile' })
    expect(locustChildren()).toEqual([])
  })

  it('a broken locustfile fails with the tail of stderr and leaves no master or worker behind', async () => {
    const locustfile = path.join(dir, 'broken.py')
    await writeFile(locustfile, 'raise RuntimeError("this locustfile is broken")\n')
    const run = loadTest({ url: server.url, locustfile, users: 2, duration: 1, workers: 2 })
    await expect(run).rejects.toBeInstanceOf(ToolFailedError)
    await expect(run).rejects.toThrow('this locustfile is broken')
    expect(locustChildren()).toEqual([])
  })

  it('an abort mid-run stops master and workers, keeps what was measured and leaves no process', async () => {
    const controller = new AbortController()
    const run = loadTest({
      url: server.url,
      tool: 'locust',
      users: 2,
      duration: 3,
      workers: 2,
      signal: controller.signal,
    })
    await waitFor(() => server.count >= 20)
    expect(locustChildren()).toHaveLength(3)
    controller.abort()
    const result = await run
    expect(result.aborted).toBe(true)
    expect(locustChildren()).toEqual([])
    const countAfterAbort = server.count
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(server.count).toBe(countAfterAbort)
  })
})
