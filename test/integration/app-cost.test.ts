import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import type http from 'node:http'
import { Worker } from 'node:worker_threads'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LoadTestResult, MeasuredAppCost } from '../../src/foundation/model/index.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'

// The handler's work is a fixed count of iterations, not a spin on the clock: its CPU time then stays the
// same however busy the machine is (a spin until a deadline burns less CPU when the thread is preempted).
const SPIN = `function spin(iterations) {
  let x = 0
  for (let i = 0; i < iterations; i++) x += Math.sqrt(i + x)
  return x
}`
const spin = new Function(`${SPIN}; return spin`)() as (iterations: number) => number

/** `?n=` iterations of work, then 200. */
const spinHandler: http.RequestListener = (request, response) => {
  const iterations = Number(new URL(request.url ?? '/', 'http://app.invalid').searchParams.get('n') ?? 0)
  response.end(String(spin(iterations) > 0))
}

/** Iterations that take about `targetUs` of CPU on this machine (process CPU: nothing else runs here now). */
function calibrate(targetUs: number): { iterations: number; usPerIteration: number } {
  let usPerIteration = Number.POSITIVE_INFINITY
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage()
    spin(1_000_000)
    const used = process.cpuUsage(before)
    usPerIteration = Math.min(usPerIteration, (used.user + used.system) / 1_000_000)
  }
  return { iterations: Math.round(targetUs / usPerIteration), usPerIteration }
}

function measured(result: LoadTestResult): MeasuredAppCost {
  const { app } = result
  if (app?.measured !== true) throw new Error(`app cost not measured: ${JSON.stringify(app)}`)
  return app
}

/** Every second of the timeline has the app's numbers, but perhaps a last sliver the sampler did not keep. */
function expectAppSeconds(result: LoadTestResult): void {
  const sampled = result.timeline.filter((point) => point.appCpuPercent !== undefined)
  expect(sampled.length).toBeGreaterThanOrEqual(result.timeline.length - 1)
  for (const point of sampled) {
    expect(point.appCpuPercent).toBeGreaterThan(0)
    expect(point.appRssBytes).toBeGreaterThan(1_000_000)
    if (point.requests > 0) expect(point.appCpuPerRequestUs).toBeGreaterThan(0)
  }
}

const WORK_US = 1000
let iterations = 0
beforeAll(() => {
  iterations = calibrate(WORK_US).iterations
})

describe('the app’s cost, in the test’s own process', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('reads the CPU per request of the test’s thread, and twice as much for a handler twice as heavy', async () => {
    server = await startServer(spinHandler)
    // node:http's paths compile before the runs (and in each run's warm-up), which the app's cost leaves out.
    await loadTest({ url: `${server.url}/?n=${iterations}`, users: 2, requests: 400 })
    const run = (n: number) =>
      loadTest({ url: `${server!.url}/?n=${n}`, users: 2, warmup: '0.5s', duration: '1.5s' })
    // Two runs of each, alternated: on a busy machine contention only ever adds CPU time to a request (a
    // colder cache, a descheduled vCPU), so the cheaper run of each is the closer reading (one light run
    // read 1,450 µs of a 1,000 µs handler at load 3).
    const runs = []
    for (const n of [iterations, iterations * 2, iterations, iterations * 2]) runs.push(await run(n))
    const cheaper = (a: LoadTestResult, b: LoadTestResult) =>
      measured(a).cpuPerRequestUs <= measured(b).cpuPerRequestUs ? a : b
    const light = cheaper(runs[0]!, runs[2]!)
    const heavy = cheaper(runs[1]!, runs[3]!)
    const [lightApp, heavyApp] = [measured(light), measured(heavy)]
    const seen = `light ${JSON.stringify(lightApp)}, heavy ${JSON.stringify(heavyApp)}, all ${JSON.stringify(runs.map((r) => measured(r).cpuPerRequestUs))}`

    expect(lightApp.source).toBe('test-thread')
    expect(lightApp.requests).toBe(light.metrics.totalRequests)
    // The handler's work plus node:http's own per request: tens of µs on a quiet machine, more on a busy one.
    expect(lightApp.cpuPerRequestUs, seen).toBeGreaterThan(0.7 * WORK_US)
    expect(lightApp.cpuPerRequestUs, seen).toBeLessThan(2 * WORK_US + 400)
    const ratio = heavyApp.cpuPerRequestUs / lightApp.cpuPerRequestUs
    expect(ratio, seen).toBeGreaterThan(1.6)
    expect(ratio, seen).toBeLessThan(2.6)
    // This thread serves all the requests: it is busy most of the time it is not waiting for the next one.
    expect(lightApp.cpuPercent, seen).toBeGreaterThan(5)
    expect(lightApp.eventLoopUtilization, seen).toBeGreaterThan(0.05)
    expect(lightApp.eventLoopUtilization, seen).toBeLessThanOrEqual(1)
    expect(lightApp.eventLoopLagP99Ms).toBeGreaterThanOrEqual(0)
    expect(typeof lightApp.heapGrowthBytes).toBe('number')
    expect(typeof lightApp.rssGrowthBytes).toBe('number')
    expectAppSeconds(light)
  })

  it('is not measured, and says why, when the app runs in another thread of the test’s process', async () => {
    const worker = new Worker(
      `const server = require('node:http').createServer((_request, response) => response.end('ok'))
      server.listen(0, '127.0.0.1', () => require('node:worker_threads').parentPort.postMessage(server.address().port))`,
      { eval: true },
    )
    try {
      const [port] = (await once(worker, 'message')) as [number]
      const result = await loadTest({ url: `http://127.0.0.1:${port}/`, users: 1, duration: '0.5s' })
      expect(result.metrics.successfulRequests).toBeGreaterThan(0)
      expect(result.app).toEqual({
        measured: false,
        reason: expect.stringMatching(/not from the test’s thread/),
      })
    } finally {
      await worker.terminate()
    }
  })

  it('is not measured, and says why, when the generator shares the test’s thread', async () => {
    server = await startServer(spinHandler)
    const result = await loadTest({ url: `${server.url}/?n=10`, users: 1, duration: '0.5s', workers: 0 })
    expect(result.generator?.thread).toBe('main')
    expect(result.app).toEqual({ measured: false, reason: expect.stringMatching(/test’s own thread/) })
    expect(result.timeline.every((point) => point.appCpuPercent === undefined)).toBe(true)
  })
})

/** A node:http server with the spin handler in a child process; resolves with it and its URL. */
async function startChildServer(): Promise<{ child: ChildProcess; url: string }> {
  const script = `${SPIN}
    const server = require('node:http').createServer((request, response) => {
      const iterations = Number(new URL(request.url, 'http://app.invalid').searchParams.get('n') ?? 0)
      response.end(String(spin(iterations) > 0))
    })
    server.keepAliveTimeout = 60000
    server.listen(0, '127.0.0.1', () => console.log(server.address().port))`
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [port] = (await once(child.stdout!, 'data')) as [Buffer]
  return { child, url: `http://127.0.0.1:${port.toString().trim()}` }
}

describe('the app’s cost in another local process, with `monitor: { pid }`', () => {
  let app: { child: ChildProcess; url: string }
  beforeAll(async () => {
    app = await startChildServer()
    // The fresh process compiles its handler and node:http's paths before the runs (and in each run's
    // warm-up), which the app's cost leaves out.
    await loadTest({ url: `${app.url}/?n=${iterations}`, users: 2, requests: 400 })
  })
  afterAll(() => {
    app.child.kill()
  })

  it('reads the CPU per request of that process, and twice as much for a handler twice as heavy', async () => {
    const pid = app.child.pid!
    const run = (n: number) =>
      loadTest({ url: `${app.url}/?n=${n}`, users: 2, warmup: '0.5s', duration: '1.5s', monitor: { pid } })
    // Two runs of each, alternated: on a busy machine contention only ever adds CPU time to a request (a
    // colder cache, a descheduled vCPU), so the cheaper run of each is the closer reading (one light run
    // read 1,450 µs of a 1,000 µs handler at load 3).
    const runs = []
    for (const n of [iterations, iterations * 2, iterations, iterations * 2]) runs.push(await run(n))
    const cheaper = (a: LoadTestResult, b: LoadTestResult) =>
      measured(a).cpuPerRequestUs <= measured(b).cpuPerRequestUs ? a : b
    const light = cheaper(runs[0]!, runs[2]!)
    const heavy = cheaper(runs[1]!, runs[3]!)
    const [lightApp, heavyApp] = [measured(light), measured(heavy)]
    const seen = `light ${JSON.stringify(lightApp)}, heavy ${JSON.stringify(heavyApp)}, all ${JSON.stringify(runs.map((r) => measured(r).cpuPerRequestUs))}`

    expect(lightApp.source).toBe('pid')
    expect(lightApp.requests).toBe(light.metrics.totalRequests)
    expect(lightApp.cpuPerRequestUs, seen).toBeGreaterThan(0.7 * WORK_US)
    expect(lightApp.cpuPerRequestUs, seen).toBeLessThan(2 * WORK_US + 400)
    const ratio = heavyApp.cpuPerRequestUs / lightApp.cpuPerRequestUs
    expect(ratio, seen).toBeGreaterThan(1.6)
    expect(ratio, seen).toBeLessThan(2.6)
    // Another process's event loop cannot be seen from here: absent, not zero.
    expect(lightApp).not.toHaveProperty('eventLoopUtilization')
    expect(lightApp).not.toHaveProperty('heapGrowthBytes')
    expectAppSeconds(light)
  })

  it('is not measured, and says to pass `monitor`, when the app runs elsewhere', async () => {
    const result = await loadTest({ url: `${app.url}/?n=10`, users: 1, duration: '0.5s' })
    expect(result.app).toEqual({ measured: false, reason: expect.stringMatching(/monitor: \{ pid \}/) })
  })
})
