// One load generator run in its own process, so its CPU time is its own.
// Usage: node bench/generator.mjs <native|autocannon|wrk|timing> <url> <connections> <durationSec|0> [requests]
//          [--workers N] [--pipelining N] [--transport undici|fast] [--module path/to/a/built/index.mjs]
//          [--journey] (three static steps in turn: perfspec `steps`, autocannon `requests[]`) [--monitor-pid N]
//          [--code] (the same three GETs as a code iteration, `iteration: async (vu) => …`, in the calling thread)
// Prints one JSON line: { tool, requests, errors, wallMs, cpuMs, maxRssMb } (timing: { nsPerRequest }).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string' },
    pipelining: { type: 'string' },
    transport: { type: 'string' },
    module: { type: 'string' },
    journey: { type: 'boolean' },
    code: { type: 'boolean' },
    'monitor-pid': { type: 'string' },
  },
})
// The three-step static journey both engines run in turn, per connection.
const JOURNEY_PATHS = ['/journey/login', '/journey/items', '/journey/order']
const [tool, url, connectionsText, durationText, requestsText] = positionals
const connections = Number(connectionsText)
const durationSec = Number(durationText)
const requests = requestsText === undefined ? undefined : Number(requestsText)
const workers = Number(values.workers ?? 1)
const pipelining = Number(values.pipelining ?? 1)
// The engine under test: this build, or another one (`--module`) to compare before with after.
const modulePath = values.module ?? '../dist/index.mjs'
const perfspec = await import(modulePath)
// The collector is in perfspec/advanced, beside the index (a build from before it exports it from the index).
const { MetricsCollector } =
  perfspec.MetricsCollector === undefined
    ? await import(modulePath.replace(/index\.mjs$/, 'advanced.mjs'))
    : perfspec

/** The journey's three GETs as a code iteration. */
async function codeIteration(vu) {
  for (const path of JOURNEY_PATHS) await vu.get(path)
}

async function runNative() {
  const result = await perfspec.loadTest({
    url,
    tool: 'native',
    users: connections,
    ...(durationSec > 0 ? { duration: durationSec } : {}),
    ...(requests !== undefined ? { requests } : {}),
    // `--workers 0`: the calling thread, where a code iteration runs (to compare with it).
    ...(workers > 1 || values.workers === '0' ? { workers } : {}),
    ...(pipelining > 1 ? { pipelining } : {}),
    // Only when asked: a build from before the option (`--module`) would reject it.
    ...(values.transport !== undefined ? { transport: values.transport } : {}),
    ...(values.journey ? { steps: JOURNEY_PATHS.map((path) => ({ path })) } : {}),
    ...(values.code ? { iteration: codeIteration } : {}),
    // The app's cost measured in the target's process (`monitor: { pid }`).
    ...(values['monitor-pid'] !== undefined ? { monitor: { pid: Number(values['monitor-pid']) } } : {}),
  })
  return { requests: result.metrics.totalRequests, errors: result.metrics.failedRequests }
}

async function runAutocannon() {
  const result = await autocannon({
    url,
    connections,
    pipelining,
    ...(durationSec > 0 ? { duration: durationSec } : {}),
    ...(requests !== undefined ? { amount: requests } : {}),
    ...(values.journey ? { requests: JOURNEY_PATHS.map((path) => ({ method: 'GET', path })) } : {}),
  })
  return { requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx }
}

/** CPU time of this process's waited-for children (ms), from /proc: wrk runs as a child. */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  // cutime and cstime are fields 16 and 17 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[13]) + Number(fields[14])) * 10
}

function runWrk() {
  const before = childrenCpuMs()
  const output = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${durationSec}s`, url], { encoding: 'utf8' })
  const cpuMs = childrenCpuMs() - before
  const count = (pattern) => Number(output.stdout.match(pattern)?.[1] ?? 0)
  const socketErrors = output.stdout.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  )
  return {
    requests: count(/(\d+) requests in/),
    errors:
      count(/Non-2xx or 3xx responses: (\d+)/) +
      (socketErrors ?? [0]).slice(1).reduce((a, b) => a + Number(b), 0),
    cpuMs,
  }
}

// What the engine's measurement costs per request: a clock read when the request is written, one when its
// response is read, and the histogram write. Hot-cache micro-benchmark, so a lower bound.
function measureTiming() {
  const collector = new MetricsCollector({ timeline: false })
  collector.start()
  const run = (count) => {
    let sink = 0
    for (let i = 0; i < count; i++) {
      const sentAt = performance.now()
      const receivedAt = performance.now()
      collector.recordResponseTime(receivedAt - sentAt + (i & 1023) / 100)
      sink += receivedAt
    }
    return sink
  }
  run(200_000)
  const count = 5_000_000
  const cpu = process.cpuUsage()
  run(count)
  const used = process.cpuUsage(cpu)
  return { nsPerRequest: ((used.user + used.system) * 1000) / count }
}

if (tool === 'timing') {
  process.stdout.write(`${JSON.stringify({ tool, ...measureTiming() })}\n`)
} else {
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const counts = tool === 'native' ? await runNative() : tool === 'wrk' ? runWrk() : await runAutocannon()
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  process.stdout.write(
    `${JSON.stringify({
      tool,
      cpuMs: (cpu.user + cpu.system) / 1000,
      ...counts,
      wallMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  )
}
