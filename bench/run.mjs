// `npm run bench`: the native engine, on both its transports (the fast one, the default, and undici), against
// autocannon and wrk (when installed) on one loopback target, in interleaved rounds; then pipelining, worker
// threads, a three-step static journey (perfspec `steps` beside autocannon's `requests[]`), the same three GETs
// as a code iteration beside the steps (both in the calling thread), the cost of the engine's own timing, a
// memory check per transport (10x the requests must not grow RSS by more than 10 MB), and the trust numbers
// of bench/trust-engine.mjs. Every run is checked against the count the server kept.
// Ratios are measured in one run, on one machine, so they compare; absolute numbers don't travel.
//
// BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_PIPELINING (10; 1 skips that part),
// BENCH_WORKERS (2; 1 skips that part), BENCH_MEMORY_REQUESTS (50000), BENCH_BEFORE (the built index.mjs of
// another perfspec, compared as "native (before, fast)"), BENCH_FASTIFY (1; 0 skips the second target, Fastify).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { benchTrustEngine } from './trust-engine.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const DEFAULT_ROW = 'native (fast, the default)'
const MONITORED_ROW = 'native (fast, app cost measured)'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 10)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
const MEMORY_BASE_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 50_000)
const FASTIFY = process.env.BENCH_FASTIFY !== '0'
const BEFORE = process.env.BENCH_BEFORE && resolve(process.env.BENCH_BEFORE)
const twoCores = availableParallelism() >= 2 && existsSync('/usr/bin/taskset')
const hasWrk = spawnSync('wrk', ['--version']).error === undefined
// Target on core 0, generator on core 1: each tool gets one whole core, as in the issue's measurements.
const pin = (core, command, args) =>
  twoCores && typeof core === 'number' ? ['taskset', ['-c', String(core), command, ...args]] : [command, args]

// The generators load a copy of dist/: a rebuild meanwhile (another `npm test` in this tree) can't pull the
// build from under a run, and every run measures the same build.
function snapshotBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'perfspec-bench-build-'))
  cpSync('dist', join(dir, 'dist'), { recursive: true })
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
  return {
    module: join(dir, 'dist', 'index.mjs'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

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
  server { listen 127.0.0.1:${port}; location / { return 200 'ok'; } location = /nginx_status { stub_status; } } }\n`,
  )
  const [command, args] = pin(0, binary, ['-c', join(dir, 'nginx.conf'), '-p', dir])
  const child = spawn(command, args, { stdio: 'ignore' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  let statusReads = 0
  return {
    name: 'nginx (1 worker)',
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    // stub_status counts every request, itself included.
    served: async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/nginx_status`)).text()
      statusReads++
      return Number(text.split('\n')[2].trim().split(/\s+/)[2]) - statusReads
    },
    // nginx's temp folder goes once nginx has exited.
    stop: () => {
      child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
      child.kill('SIGTERM')
    },
  }
}

async function startNodeTarget(script = 'bench/node-target.mjs', name = 'node:http') {
  const [command, args] = pin(0, process.execPath, [script])
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise((resolve) =>
    child.stdout.once('data', (data) => resolve(Number(String(data).trim()))),
  )
  return {
    name,
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    served: async () => Number(await (await fetch(`http://127.0.0.1:${port}/__count`)).text()),
    stop: () => child.kill('SIGTERM'),
  }
}

/** One generator run in its own process (pinned to core 1 unless `core` says otherwise). */
function runGenerator(peer, url, durationSec, requests, core = 1) {
  const extra = requests === undefined ? [] : [String(requests)]
  const [command, args] = pin(core, process.execPath, [
    'bench/generator.mjs',
    peer.tool,
    url,
    String(CONNECTIONS),
    String(durationSec),
    ...extra,
    ...(peer.args ?? []),
    ...['--module', peer.module ?? build.module],
  ])
  return JSON.parse(execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n').at(-1))
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fixed = (value, digits = 3) => value.toFixed(digits)
const rpsOf = (run) => run.requests / (run.wallMs / 1000)
const cpuPer10kOf = (run) => (run.cpuMs / 1000 / run.requests) * 10_000

/** Interleaved rounds of `peers`; prints each run and its count check; returns the median per peer. */
async function measure(title, peers, target, core = 1) {
  console.log(`\n${title}`)
  const runs = new Map(peers.map((peer) => [peer.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? peers : [...peers].reverse()
    for (const peer of order) {
      const servedBefore = await target.served()
      const run = runGenerator(peer, target.url, SECONDS, undefined, core)
      const served = (await target.served()) - servedBefore
      runs.get(peer.name).push(run)
      // The native engine counts every request it sent; the others drop the ones in flight at the end.
      const exact = run.requests === served
      if (peer.tool === 'native' && !exact) process.exitCode = 1
      console.log(
        `  round ${round + 1} ${peer.name.padEnd(26)} ${fixed(rpsOf(run), 0).padStart(7)} req/s  ` +
          `${fixed(cpuPer10kOf(run))} CPU-s/10k  errors ${run.errors}  ` +
          `server counted ${served}${exact ? ' (same)' : ` (tool says ${run.requests - served >= 0 ? '+' : ''}${run.requests - served})`}`,
      )
    }
  }
  return new Map(
    [...runs].map(([name, list]) => [
      name,
      { rps: median(list.map(rpsOf)), cpuPer10k: median(list.map(cpuPer10kOf)) },
    ]),
  )
}

function printTable(summary, references) {
  const header = references.map((name) => ` CPU vs ${name} |`).join('')
  console.log(`\n| generator | req/s (median) | CPU-s per 10k requests |${header}`)
  console.log(`|---|---:|---:|${references.map(() => '---:|').join('')}`)
  for (const [name, { rps, cpuPer10k }] of summary) {
    const ratios = references
      .map((reference) => ` ${fixed(cpuPer10k / summary.get(reference).cpuPer10k, 2)}x |`)
      .join('')
    console.log(`| ${name} | ${fixed(rps, 0)} | ${fixed(cpuPer10k)} |${ratios}`)
  }
}

const build = snapshotBuild()
const nginx = findNginx()
const target = nginx ? await startNginx(nginx) : await startNodeTarget()
try {
  console.log(
    `target: ${target.name} at ${target.url}; ${CONNECTIONS} connections; ${ROUNDS} rounds x ${SECONDS}s`,
  )
  console.log(
    twoCores ? 'pinning: target on core 0, generator on core 1' : 'pinning: off (needs 2 cores and taskset)',
  )
  runGenerator({ tool: 'native' }, target.url, 1) // warm the target and the page cache

  const undici = ['--transport', 'undici']
  const fast = ['--transport', 'fast']
  const peers = [
    // The default is the fast transport: one row, run without `transport` (what a user's run gets).
    { name: DEFAULT_ROW, tool: 'native' },
    { name: 'native (undici)', tool: 'native', args: undici },
    { name: 'autocannon', tool: 'autocannon' },
    ...(hasWrk ? [{ name: 'wrk', tool: 'wrk' }] : []),
    ...(BEFORE ? [{ name: 'native (before, fast)', tool: 'native', args: fast, module: BEFORE }] : []),
    // The same run measuring the app's cost (the target's process, read once a second from /proc).
    { name: MONITORED_ROW, tool: 'native', args: ['--monitor-pid', String(target.pid)] },
  ]
  const main = await measure('one connection per user, no pipelining', peers, target)
  printTable(main, ['autocannon', ...(hasWrk ? ['wrk'] : [])])
  if (!hasWrk) console.log('(wrk not installed: apt-get install -y wrk adds it as a third peer)')
  if (hasWrk) {
    const ratio = main.get(DEFAULT_ROW).cpuPer10k / main.get('wrk').cpuPer10k
    console.log(`default transport: ${fixed(ratio, 2)}x wrk's CPU per request (target: at most 1.10x)`)
  }
  const monitoring = main.get(MONITORED_ROW).cpuPer10k / main.get(DEFAULT_ROW).cpuPer10k
  console.log(
    `measuring the app's cost: ${fixed(monitoring, 3)}x the generator's CPU per request (target: at most 1.03x)`,
  )

  if (FASTIFY && nginx) {
    // A real framework as the target: the generator's share of a shared machine, against Fastify.
    const fastifyTarget = await startNodeTarget('bench/fastify-target.mjs', 'Fastify')
    try {
      runGenerator({ tool: 'native' }, fastifyTarget.url, 1)
      const onFastify = await measure(
        'against Fastify (node:http framework)',
        peers.filter((peer) => peer.name !== MONITORED_ROW),
        fastifyTarget,
      )
      printTable(onFastify, ['autocannon', ...(hasWrk ? ['wrk'] : [])])
    } finally {
      fastifyTarget.stop()
    }
  }

  // Journeys: three static steps in turn on each connection; the url's path is the base the steps extend.
  const journeyUrl = target.url.replace(/\/$/, '')
  const journey = await measure(
    'three-step static journey (perfspec steps, autocannon requests[])',
    [
      { name: 'native (undici) journey', tool: 'native', args: [...undici, '--journey'] },
      { name: 'native (fast) journey', tool: 'native', args: [...fast, '--journey'] },
      { name: 'autocannon requests[]', tool: 'autocannon', args: ['--journey'] },
    ],
    { ...target, url: journeyUrl },
  )
  printTable(journey, ['autocannon requests[]'])
  const journeyRatio =
    journey.get('native (fast) journey').cpuPer10k / journey.get('autocannon requests[]').cpuPer10k
  console.log(
    `journey target: perfspec (fast transport, the default) <= 0.75x autocannon's CPU per request: ${fixed(journeyRatio, 2)}x ` +
      `(${journeyRatio <= 0.75 ? 'met' : 'NOT met'})`,
  )

  // The same three GETs as a code iteration, beside the steps, both in the calling thread (where a function
  // runs): what control flow in code costs per request over the state machine of a journey.
  const CALLING_THREAD_JOURNEY = 'native (fast) journey, calling thread'
  const code = await measure(
    'code iteration (3 GETs) vs 3-step journey, both in the calling thread',
    [
      { name: CALLING_THREAD_JOURNEY, tool: 'native', args: [...fast, '--journey', '--workers', '0'] },
      { name: 'native (fast) code iteration', tool: 'native', args: [...fast, '--code'] },
    ],
    { ...target, url: journeyUrl },
  )
  printTable(code, [CALLING_THREAD_JOURNEY])
  const codeRatio =
    code.get('native (fast) code iteration').cpuPer10k / code.get(CALLING_THREAD_JOURNEY).cpuPer10k
  console.log(
    `code iteration (3 GETs) vs 3-step journey, CPU per request ratio: ${fixed(codeRatio, 2)}x, target <= 1.5x ` +
      `(${codeRatio <= 1.5 ? 'met' : 'NOT met'})`,
  )

  const timing = runGenerator({ tool: 'timing' }, target.url, 0)
  const nsPerRequest = (name) => (main.get(name).cpuPer10k / 10_000) * 1e9
  console.log(
    `\ntiming overhead: ${fixed(timing.nsPerRequest, 0)} ns per request (two clock reads and a histogram write), ` +
      `${fixed((timing.nsPerRequest / nsPerRequest('native (undici)')) * 100, 1)}% of the undici transport's ` +
      `CPU per request, ${fixed((timing.nsPerRequest / nsPerRequest(DEFAULT_ROW)) * 100, 1)}% of the fast one's`,
  )

  if (PIPELINING > 1) {
    const pipelined = await measure(
      `pipelining ${PIPELINING}`,
      [
        {
          name: `native (undici) -p ${PIPELINING}`,
          tool: 'native',
          args: [...undici, '--pipelining', String(PIPELINING)],
        },
        {
          name: `native (fast) -p ${PIPELINING}`,
          tool: 'native',
          args: [...fast, '--pipelining', String(PIPELINING)],
        },
        {
          name: `autocannon -p ${PIPELINING}`,
          tool: 'autocannon',
          args: ['--pipelining', String(PIPELINING)],
        },
      ],
      target,
    )
    printTable(pipelined, [`autocannon -p ${PIPELINING}`])
  }

  if (WORKERS > 1) {
    // On the fast transport: the one that can load a core fully.
    const threads = [
      { name: 'native (fast), 1 thread', tool: 'native', args: fast },
      {
        name: `native (fast), ${WORKERS} workers`,
        tool: 'native',
        args: [...fast, '--workers', String(WORKERS)],
      },
    ]
    const scaling = [
      ['generator on core 1', await measure('worker threads, generator on core 1', threads, target)],
    ]
    if (twoCores) {
      // Unpinned, the workers can use core 0 too: shared with the target.
      scaling.push([
        'generator on any core',
        await measure('worker threads, generator unpinned', threads, target, null),
      ])
    }
    console.log(`\n| worker threads | req/s, 1 thread | req/s, ${WORKERS} workers | scaling |`)
    console.log('|---|---:|---:|---:|')
    for (const [where, summary] of scaling) {
      const [one, many] = threads.map((peer) => summary.get(peer.name).rps)
      console.log(`| ${where} | ${fixed(one, 0)} | ${fixed(many, 0)} | ${fixed(many / one, 2)}x |`)
    }
  }

  for (const [name, args] of [
    ['undici', undici],
    ['fast transport', fast],
  ]) {
    const peer = { tool: 'native', args }
    const small = runGenerator(peer, target.url, 0, MEMORY_BASE_REQUESTS)
    const large = runGenerator(peer, target.url, 0, MEMORY_BASE_REQUESTS * 10)
    const growthMb = large.maxRssMb - small.maxRssMb
    console.log(
      `${name === 'undici' ? '\n' : ''}memory (${name}): ${MEMORY_BASE_REQUESTS} requests -> max RSS ` +
        `${fixed(small.maxRssMb, 1)} MB; ${MEMORY_BASE_REQUESTS * 10} requests -> ${fixed(large.maxRssMb, 1)} MB; ` +
        `growth ${fixed(growthMb, 1)} MB (${growthMb <= 10 ? 'OK' : 'FAIL'}: budget 10 MB)`,
    )
    if (growthMb > 10) process.exitCode = 1
  }
  // In-process app vs child process, open-model lateness, the end of a timed run (bench/trust-engine.mjs).
  await benchTrustEngine(build.module)
  if (process.exitCode === 1)
    console.log('FAIL: see above (a native count differs from the server, memory, or a trust budget)')
} finally {
  target.stop()
  build.remove()
}
