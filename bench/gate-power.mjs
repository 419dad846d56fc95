// Part of `npm run bench`: the gate's power on a shared machine. Does `perfspec compare` flag a heavier
// handler, and leave an unchanged one alone, while a noisy neighbour burns CPU on every core?
//
// - App: a fixture git repository (bench/gate-power/fixture-repo.mjs) whose handler burns BASE_US µs of CPU
//   per request at the base commit, and 0%, +10%, +20%, +50% more on one branch each.
// - Noise: bench/gate-power/noisy-neighbour.mjs, random 50–500 ms bursts about 30% of the time, on each core.
// - Runs: GATE_COMPARISONS real `perfspec compare --base <base> --rounds GATE_ROUNDS` per level, each
//   judging GATE_SPECS perf specs of GATE_SECONDS s (GATE_USERS users).
// - It prints, per level: flagged (any gated metric regressed), inconclusive, wall time per comparison —
//   as the command judged, and replayed from the same round pairs under other rules (metrics gated,
//   tolerance, decideBeyondZero, fixed pairs or sequential sampling), which is how the defaults are chosen.
//   The raw reports go to GATE_OUT (test-output/gate-power.json).
//
// GATE_COMPARISONS (20), GATE_LEVELS (0,10,20,50), GATE_ROUNDS (8), GATE_SPECS (1), GATE_SECONDS (2),
// GATE_USERS (4), GATE_BASE_US (200), GATE_NOISE (1; 0 runs without the neighbour).
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createFixtureRepo, iterationsPerMicrosecond } from './gate-power/fixture-repo.mjs'
import { startNoisyNeighbour } from './gate-power/noisy-neighbour.mjs'

const COMPARISONS = Number(process.env.GATE_COMPARISONS ?? 20)
const LEVELS = (process.env.GATE_LEVELS ?? '0,10,20,50').split(',').map(Number)
const ROUNDS = Number(process.env.GATE_ROUNDS ?? 8)
const SPECS = Number(process.env.GATE_SPECS ?? 1)
const SECONDS = Number(process.env.GATE_SECONDS ?? 2)
const USERS = Number(process.env.GATE_USERS ?? 4)
const BASE_US = Number(process.env.GATE_BASE_US ?? 200)
const NOISE = process.env.GATE_NOISE !== '0'
const OUT = resolve(process.env.GATE_OUT ?? 'test-output/gate-power.json')
const CLI = resolve('dist/cli.mjs')

const { estimateChange, judgeChange, lookConfidence, nextDecision, PROVISIONAL_SAMPLING_BUDGET } =
  await import(pathToFileURL(resolve('dist/advanced.mjs')).href)

const factorOf = (level) => 1 + level / 100

function compareOnce(repo) {
  const started = performance.now()
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, 'compare', '--base', repo.base, '--rounds', String(ROUNDS)],
      {
        cwd: repo.dir,
        env: { ...process.env, TMPDIR: repo.tmp, CI: '', NO_COLOR: '1' },
        timeout: 30 * 60_000,
      },
      (error, _stdout, stderr) => {
        const wallMs = performance.now() - started
        let report
        try {
          report = JSON.parse(readFileSync(join(repo.dir, 'perfspec-compare.json'), 'utf8'))
        } catch {
          report = undefined
        }
        rmSync(join(repo.dir, 'perfspec-compare.json'), { force: true })
        done({
          exitCode: error ? (error.code ?? -1) : 0,
          wallMs,
          report,
          stderr: String(stderr).slice(-2000),
        })
      },
    )
  })
}

/** Every gated metric of every run of a report, with its per-pair values. */
function metricsOf(report) {
  return (report?.runs ?? []).flatMap((run) => run.metrics)
}

/** Replays one metric's round pairs under a rule: fixed `pairs` at 95%, or sequential up to `pairs`. */
function replay(metric, { pairs, tolerancePercent, decideBeyondZero, sequential }) {
  const rule = { tolerancePercent, better: metric.better, decideBeyondZero }
  const take = (n) => {
    const base = []
    const head = []
    for (let i = 0; i < n && i < metric.base.length; i++) {
      if (metric.base[i] === null || metric.head[i] === null) continue
      base.push(metric.base[i])
      head.push(metric.head[i])
    }
    return { base, head }
  }
  if (!sequential) {
    const { base, head } = take(pairs)
    return judgeChange(estimateChange(base, head, { method: 'paired' }), rule).verdict
  }
  const budget = {
    ...PROVISIONAL_SAMPLING_BUDGET,
    maximumSamples: Math.min(pairs, PROVISIONAL_SAMPLING_BUDGET.maximumSamples),
  }
  for (let n = 1; n <= pairs; n++) {
    const { base, head } = take(n)
    const estimate = estimateChange(base, head, { method: 'paired', confidence: lookConfidence(budget) })
    const decision = nextDecision(estimate, budget, rule)
    if (decision.action === 'stop') return decision.verdict
  }
  return 'inconclusive'
}

/** A comparison's outcome: flagged when any metric regressed, else inconclusive when any is. */
function outcome(verdicts) {
  if (verdicts.includes('regressed')) return 'flagged'
  if (verdicts.includes('inconclusive')) return 'inconclusive'
  return 'pass'
}

// Fixed looks at 4, 6 and all pairs; sequential sampling (the provisional budget, capped at ROUNDS) when
// ROUNDS reaches its first look.
const PLANS = [
  ...[...new Set([4, 6, ROUNDS])]
    .filter((pairs) => pairs <= ROUNDS)
    .map((pairs) => ({ pairs, sequential: false })),
  ...(ROUNDS >= PROVISIONAL_SAMPLING_BUDGET.minimumSamples ? [{ pairs: ROUNDS, sequential: true }] : []),
]
const RULES = []
for (const gated of ['cpu', 'all'])
  for (const tolerancePercent of [3, 5, 10])
    for (const decideBeyondZero of [false, true])
      for (const plan of PLANS) RULES.push({ gated, tolerancePercent, decideBeyondZero, ...plan })

const ruleName = (rule) =>
  `${rule.gated === 'cpu' ? 'cpu only' : 'cpu+p95+rps'} · T=${rule.tolerancePercent}% · ` +
  `${rule.decideBeyondZero ? 'beyond-0' : 'interval'} · ${rule.sequential ? `sequential ≤${rule.pairs}` : `${rule.pairs} pairs`}`

function judgeWith(report, rule) {
  const metrics = metricsOf(report).filter(
    (metric) => rule.gated === 'all' || metric.metric === 'cpuPerRequest',
  )
  if (metrics.length === 0) return 'inconclusive'
  return outcome(metrics.map((metric) => replay(metric, rule)))
}

const perUs = iterationsPerMicrosecond()
const baseIterations = Math.round(BASE_US * perUs)
const repo = createFixtureRepo({
  baseIterations,
  factors: LEVELS.map(factorOf),
  specs: SPECS,
  users: USERS,
  seconds: SECONDS,
})
const noise = NOISE ? startNoisyNeighbour() : { stop() {} }
const cleanup = () => {
  noise.stop()
  repo.remove()
}
process.once('SIGINT', () => {
  cleanup()
  process.exit(130)
})

console.log(
  `\nGate power: ${COMPARISONS} × perfspec compare --rounds ${ROUNDS} per level, ${SPECS} spec(s) of ${SECONDS}s, ` +
    `${USERS} users, handler ${BASE_US} µs CPU (${baseIterations} iterations), noisy neighbour ${NOISE ? 'on' : 'off'}; ` +
    `load average at start ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
)
const results = []
try {
  for (const level of LEVELS) {
    repo.checkout(factorOf(level))
    for (let index = 0; index < COMPARISONS; index++) {
      const run = await compareOnce(repo)
      results.push({ level, ...run })
      const shipped = outcome(metricsOf(run.report).map((metric) => metric.verdict))
      const cpu = metricsOf(run.report).find((metric) => metric.metric === 'cpuPerRequest')
      console.log(
        `  +${level}% #${index + 1}: exit ${run.exitCode}, ${shipped}, cpu ${cpu ? cpu.reason : 'not measured'} ` +
          `(${(run.wallMs / 1000).toFixed(0)} s)`,
      )
      if (run.report === undefined) console.log(`    no report: ${run.stderr}`)
    }
  }
} finally {
  cleanup()
}

const summary = []
const count = (level, rule, name) =>
  results.filter((result) => result.level === level && judgeWith(result.report, rule) === name).length
console.log(`\nAs the command judged (tolerance 5%, ${ROUNDS} pairs at 95%, every gated metric):`)
for (const level of LEVELS) {
  const mine = results.filter((result) => result.level === level)
  const shipped = mine.map((result) => outcome(metricsOf(result.report).map((metric) => metric.verdict)))
  const wall = mine.map((result) => result.wallMs / 1000)
  const line = {
    level,
    flagged: shipped.filter((name) => name === 'flagged').length,
    inconclusive: shipped.filter((name) => name === 'inconclusive').length,
    of: mine.length,
    wallSeconds: wall.reduce((a, b) => a + b, 0) / wall.length,
  }
  summary.push(line)
  console.log(
    `  +${level}%: flagged ${line.flagged} of ${line.of}, inconclusive ${line.inconclusive}, ` +
      `${line.wallSeconds.toFixed(0)} s per comparison`,
  )
}
console.log('\nReplayed from the same round pairs (flagged / inconclusive of each level):')
console.log(`  ${'rule'.padEnd(58)} ${LEVELS.map((level) => `+${level}%`.padStart(9)).join('')}`)
const replays = []
for (const rule of RULES) {
  const cells = LEVELS.map(
    (level) => `${count(level, rule, 'flagged')}/${count(level, rule, 'inconclusive')}`,
  )
  replays.push({ rule: ruleName(rule), cells })
  console.log(`  ${ruleName(rule).padEnd(58)} ${cells.map((cell) => cell.padStart(9)).join('')}`)
}
console.log(
  `\nload average at the end ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)
mkdirSync(dirname(OUT), { recursive: true })
writeFileSync(OUT, `${JSON.stringify({ summary, replays, results }, null, 2)}\n`)
console.log(`raw reports: ${OUT}`)
