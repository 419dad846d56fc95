// The engine's own trust numbers (issue 13, items 4, 6, 7), run by bench/run.mjs or alone:
// `node bench/trust-engine.mjs [path/to/built/index.mjs]`.
//  - in-process app: the same Fastify app in the bench's own process and in a child process, same load;
//    the p50 ratio in-process / child must be <= 1.3 (the generator runs in its own worker thread). The
//    generator in the calling thread (`workers: 0`, how perfspec ran before) is shown for comparison.
//  - open-model lateness: how late scheduled sends went out at 200, 1000 and 5000 req/s (p50 must be
//    <= 0.1 ms), with the generator process's CPU.
//  - end of a timed run: the last second's p50 against the run's, both transports.
// TRUST_ROUNDS (3), TRUST_SECONDS (3), TRUST_USERS (10), TRUST_PARTS (inprocess,lateness,end).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startFastifyApp } from './fastify-app.mjs'

const ROUNDS = Number(process.env.TRUST_ROUNDS ?? 3)
const SECONDS = Number(process.env.TRUST_SECONDS ?? 3)
const USERS = Number(process.env.TRUST_USERS ?? 10)
const PARTS = (process.env.TRUST_PARTS ?? 'inprocess,lateness,end').split(',')
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const fixed = (value, digits = 3) => value.toFixed(digits)

async function startChild(script) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise((resolve) =>
    child.stdout.once('data', (data) => resolve(Number(String(data)))),
  )
  return { port, close: () => child.kill('SIGTERM') }
}

async function inProcessApp(loadTest) {
  console.log(
    `\nin-process app: the same Fastify app in this process and in a child; ${USERS} users, ${SECONDS}s, ${ROUNDS} rounds`,
  )
  const inside = await startFastifyApp()
  const outside = await startChild('./fastify-app.mjs')
  const setups = [
    { name: 'child process', port: outside.port, workers: undefined },
    { name: 'in-process (generator in a worker, the default)', port: inside.port, workers: undefined },
    { name: 'in-process (generator in the calling thread)', port: inside.port, workers: 0 },
  ]
  const runs = new Map(setups.map((setup) => [setup.name, []]))
  try {
    for (const setup of setups)
      await loadTest({
        url: `http://127.0.0.1:${setup.port}/`,
        users: USERS,
        duration: '1s',
        workers: setup.workers,
      })
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? setups : [...setups].reverse()
      for (const setup of order) {
        const result = await loadTest({
          url: `http://127.0.0.1:${setup.port}/`,
          users: USERS,
          duration: `${SECONDS}s`,
          workers: setup.workers,
        })
        runs.get(setup.name).push({ p50: result.metrics.responseTimes.p50, rps: result.metrics.rps })
        console.log(
          `  round ${round + 1} ${setup.name.padEnd(50)} p50 ${fixed(result.metrics.responseTimes.p50)} ms  ${fixed(result.metrics.rps, 0)} req/s  thread ${result.generator?.thread}`,
        )
      }
    }
  } finally {
    await inside.close()
    outside.close()
  }
  const summary = new Map(
    [...runs].map(([name, list]) => [
      name,
      { p50: median(list.map((run) => run.p50)), rps: median(list.map((run) => run.rps)) },
    ]),
  )
  const child = summary.get(setups[0].name)
  console.log('\n| app | p50 ms (median) | req/s (median) | p50 vs child process |\n|---|---:|---:|---:|')
  for (const [name, { p50, rps }] of summary)
    console.log(`| ${name} | ${fixed(p50)} | ${fixed(rps, 0)} | ${fixed(p50 / child.p50, 2)}x |`)
  const ratio = summary.get(setups[1].name).p50 / child.p50
  console.log(
    `in-process p50 ratio (default): ${fixed(ratio, 2)} (${ratio <= 1.3 ? 'OK' : 'FAIL'}: budget 1.3)`,
  )
  if (ratio > 1.3) process.exitCode = 1
}

async function lateness(loadTest) {
  console.log(`\nopen-model lateness (sent − due), node:http target in a child process, ${SECONDS}s per rate`)
  const target = await startChild('./node-target.mjs')
  console.log(
    '| rate req/s | lateness p50 ms | p99 ms | max ms | latency p50 ms | generator CPU % | dropped |\n|---:|---:|---:|---:|---:|---:|---:|',
  )
  try {
    for (const rate of [200, 1000, 5000]) {
      const result = await loadTest({
        url: `http://127.0.0.1:${target.port}/`,
        rate,
        duration: `${SECONDS}s`,
        maxUsers: 200,
      })
      const late = result.generator.latenessMs
      console.log(
        `| ${rate} | ${fixed(late.p50)} | ${fixed(late.p99)} | ${fixed(late.max)} | ${fixed(result.metrics.responseTimes.p50)} | ${fixed(result.generator.cpuPercent, 0)} | ${result.droppedIterations} |`,
      )
      if (late.p50 > 0.1) {
        console.log(`  FAIL: lateness p50 ${late.p50} ms > 0.1 ms at ${rate} req/s`)
        process.exitCode = 1
      }
    }
  } finally {
    target.close()
  }
}

async function endOfRun(loadTest) {
  console.log(
    `\nend of a timed run: last second's p50 vs the run's, ${USERS} users, ${SECONDS}s, node:http in a child process`,
  )
  const target = await startChild('./node-target.mjs')
  try {
    for (const transport of ['undici', 'fast']) {
      const ratios = []
      for (let round = 0; round < ROUNDS; round++) {
        const result = await loadTest({
          url: `http://127.0.0.1:${target.port}/`,
          users: USERS,
          duration: `${SECONDS}s`,
          transport,
        })
        ratios.push(result.timeline.at(-1).p50 / result.metrics.responseTimes.p50)
      }
      console.log(
        `  ${transport}: last second p50 / run p50 = ${ratios.map((ratio) => fixed(ratio, 2)).join(', ')} (budget 3)`,
      )
      if (Math.max(...ratios) > 3) process.exitCode = 1
    }
  } finally {
    target.close()
  }
}

export async function benchTrustEngine(modulePath) {
  const { loadTest } = await import(modulePath)
  if (PARTS.includes('inprocess')) await inProcessApp(loadTest)
  if (PARTS.includes('lateness')) await lateness(loadTest)
  if (PARTS.includes('end')) await endOfRun(loadTest)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchTrustEngine(process.argv[2] ?? new URL('../dist/index.mjs', import.meta.url).href)
}
