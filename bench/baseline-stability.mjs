// Part of `npm run bench`: does a baseline tell noise from a regression? One run records a baseline (what
// `toMatchPerfBaseline` stores on a first run); then BASELINE_RUNS back-to-back runs of the same load
// against the unchanged server must give 0 regressions at the default tolerance, and BASELINE_RUNS runs
// against the server made 2x slower (twice the wait and twice the CPU per request) must each be a
// regression. The server runs in a child process; each comparison is the matcher's own
// (compareWithBaseline, default limits).
//
// BASELINE_RUNS (5), BASELINE_SECONDS (4), BASELINE_USERS (4), BASELINE_DELAY_MS (10), BASELINE_BUSY_US (200).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const RUNS = Number(process.env.BASELINE_RUNS ?? 5)
const SECONDS = Number(process.env.BASELINE_SECONDS ?? 4)
const USERS = Number(process.env.BASELINE_USERS ?? 4)
const DELAY_MS = Number(process.env.BASELINE_DELAY_MS ?? 10)
const BUSY_US = Number(process.env.BASELINE_BUSY_US ?? 200)

const { loadTest } = await import(pathToFileURL(resolve('dist/index.mjs')).href)
const { compareWithBaseline, describeMachine, toBaselineEntry } = await import(
  pathToFileURL(resolve('dist/advanced.mjs')).href
)

async function startTarget(factor) {
  const child = spawn(process.execPath, [resolve('bench/busy-target.mjs')], {
    env: { ...process.env, DELAY_MS: String(DELAY_MS * factor), BUSY_US: String(BUSY_US * factor) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [chunk] = await once(child.stdout, 'data')
  return {
    url: `http://127.0.0.1:${Number(String(chunk).trim())}/`,
    stop: async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

const run = (url) => loadTest({ url, users: USERS, duration: `${SECONDS}s`, name: '/work' })
// The matcher's own fingerprint: a baseline from another one is not judged at all.
const machine = describeMachine()
const fmt = (n) => n.toFixed(2)

async function series(factor, baseline, label) {
  const target = await startTarget(factor)
  const rows = []
  try {
    // A warm-up run the comparison does not see: the first run of a fresh server process is its JIT's.
    await run(target.url)
    let recorded = baseline
    if (recorded === undefined) recorded = toBaselineEntry(await run(target.url), machine)
    for (let index = 0; index < RUNS; index++) {
      const result = await run(target.url)
      const comparison = compareWithBaseline(recorded, result)
      rows.push({
        p95: result.metrics.responseTimes.p95,
        rps: result.metrics.rps,
        regressed: comparison.regressed,
      })
      console.log(
        `  ${label} run ${index + 1}: p95 ${fmt(result.metrics.responseTimes.p95)} ms (limit ${fmt(comparison.p95.limit)}), ` +
          `${fmt(result.metrics.rps)} rps (limit ${fmt(comparison.rps.limit)}) → ${comparison.verdict}`,
      )
    }
    return { baseline: recorded, rows }
  } finally {
    await target.stop()
  }
}

console.log(
  `\nBaseline stability: ${RUNS} runs of ${SECONDS}s, ${USERS} users, a server taking ${DELAY_MS} ms + ${BUSY_US} µs of CPU per request (child process)`,
)
const same = await series(1, undefined, 'unchanged')
console.log(`  baseline: p95 ${fmt(same.baseline.p95)} ms, ${fmt(same.baseline.rps)} rps`)
const slower = await series(2, same.baseline, '2x slower')
const falseRegressions = same.rows.filter((row) => row.regressed).length
const caught = slower.rows.filter((row) => row.regressed).length
console.log(`  false regressions (unchanged server): ${falseRegressions} of ${RUNS}  (want 0)`)
console.log(`  regressions caught (2x slower server): ${caught} of ${RUNS}  (want ${RUNS})`)
if (falseRegressions > 0 || caught < RUNS) process.exitCode = 1
