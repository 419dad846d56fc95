// `npm run bench`: the native engine against autocannon on one loopback target, interleaved rounds,
// plus a memory check (10x the requests must not grow RSS by more than 10 MB). Ratios are measured in
// one run, on one machine, so they compare; absolute numbers don't travel.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const MEMORY_BASE_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 50_000)
const twoCores = availableParallelism() >= 2 && existsSync('/usr/bin/taskset')
// Target on core 0, generator on core 1: each tool gets one whole core, as in the measurements.
const pin = (core, command, args) =>
  twoCores ? ['taskset', ['-c', String(core), command, ...args]] : [command, args]

function findNginx() {
  for (const path of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
    if (existsSync(path)) return path
  return undefined
}

async function startNginx(binary) {
  const dir = mkdtempSync(join(tmpdir(), 'perfspec-bench-nginx-'))
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 120s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { return 200 'ok'; } } }\n`,
  )
  const [command, args] = pin(0, binary, ['-c', join(dir, 'nginx.conf'), '-p', dir])
  const child = spawn(command, args, { stdio: 'ignore' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  return { name: 'nginx (1 worker)', url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') }
}

async function startNodeTarget() {
  const [command, args] = pin(0, process.execPath, ['bench/node-target.mjs'])
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise((resolve) =>
    child.stdout.once('data', (data) => resolve(Number(String(data).trim()))),
  )
  return { name: 'node:http', url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') }
}

function runGenerator(tool, url, durationSec, requests) {
  const extra = requests === undefined ? [] : [String(requests)]
  const [command, args] = pin(1, process.execPath, [
    'bench/generator.mjs',
    tool,
    url,
    String(CONNECTIONS),
    String(durationSec),
    ...extra,
  ])
  return JSON.parse(execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n').at(-1))
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fixed = (value, digits = 3) => value.toFixed(digits)

const nginx = findNginx()
const target = nginx ? await startNginx(nginx) : await startNodeTarget()
try {
  console.log(
    `target: ${target.name} at ${target.url}; ${CONNECTIONS} connections; ${ROUNDS} rounds x ${SECONDS}s`,
  )
  console.log(
    twoCores ? 'pinning: target on core 0, generator on core 1' : 'pinning: off (needs 2 cores and taskset)',
  )
  runGenerator('native', target.url, 1) // warm the target and the page cache
  const runs = { native: [], autocannon: [] }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['native', 'autocannon'] : ['autocannon', 'native']
    for (const tool of order) {
      const run = runGenerator(tool, target.url, SECONDS)
      runs[tool].push(run)
      const rps = run.requests / (run.wallMs / 1000)
      console.log(
        `  round ${round + 1} ${tool.padEnd(10)} ${fixed(rps, 0).padStart(7)} req/s  ` +
          `${fixed((run.cpuMs / 1000 / run.requests) * 10_000)} CPU-s/10k  errors ${run.errors}`,
      )
    }
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([tool, list]) => [
      tool,
      {
        rps: median(list.map((run) => run.requests / (run.wallMs / 1000))),
        cpuPer10k: median(list.map((run) => (run.cpuMs / 1000 / run.requests) * 10_000)),
      },
    ]),
  )
  console.log('\n| generator | req/s (median) | CPU-s per 10k requests | ratio vs autocannon (CPU) |')
  console.log('|---|---:|---:|---:|')
  for (const [tool, { rps, cpuPer10k }] of Object.entries(summary)) {
    console.log(
      `| ${tool} | ${fixed(rps, 0)} | ${fixed(cpuPer10k)} | ${fixed(cpuPer10k / summary.autocannon.cpuPer10k, 2)}x |`,
    )
  }

  const small = runGenerator('native', target.url, 0, MEMORY_BASE_REQUESTS)
  const large = runGenerator('native', target.url, 0, MEMORY_BASE_REQUESTS * 10)
  const growthMb = large.maxRssMb - small.maxRssMb
  console.log(
    `\nmemory: ${MEMORY_BASE_REQUESTS} requests -> max RSS ${fixed(small.maxRssMb, 1)} MB; ` +
      `${MEMORY_BASE_REQUESTS * 10} requests -> ${fixed(large.maxRssMb, 1)} MB; growth ${fixed(growthMb, 1)} MB ` +
      `(${growthMb <= 10 ? 'OK' : 'FAIL'}: budget 10 MB)`,
  )
  if (growthMb > 10) process.exitCode = 1
} finally {
  target.stop()
}
