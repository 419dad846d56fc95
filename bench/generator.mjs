// One load generator run in its own process, so its CPU time is its own.
// Usage: node bench/generator.mjs <native|autocannon> <url> <connections> <durationSec|0> [requests]
// Prints one JSON line: { tool, requests, errors, wallMs, cpuMs, maxRssMb }.
import autocannon from 'autocannon'
import { loadTest } from '../dist/index.mjs'

const [tool, url, connectionsText, durationText, requestsText] = process.argv.slice(2)
const connections = Number(connectionsText)
const durationSec = Number(durationText)
const requests = requestsText === undefined ? undefined : Number(requestsText)

async function runNative() {
  const result = await loadTest({
    url,
    tool: 'native',
    users: connections,
    ...(durationSec > 0 ? { duration: durationSec } : {}),
    ...(requests !== undefined ? { requests } : {}),
  })
  return { requests: result.metrics.totalRequests, errors: result.metrics.failedRequests }
}

async function runAutocannon() {
  const result = await autocannon({
    url,
    connections,
    ...(durationSec > 0 ? { duration: durationSec } : {}),
    ...(requests !== undefined ? { amount: requests } : {}),
  })
  return { requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx }
}

const cpuBefore = process.cpuUsage()
const started = performance.now()
const counts = tool === 'native' ? await runNative() : await runAutocannon()
const wallMs = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
process.stdout.write(
  `${JSON.stringify({
    tool,
    ...counts,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
)
