// The gate-power bench's compare half: GATE_COMPARISONS real `perfspec compare --base <base> --rounds
// GATE_ROUNDS` per level, judged as the command judged them, then replayed from the same round pairs under
// other rules (metrics gated, tolerance, decideBeyondZero, fixed pairs or sequential sampling), which is how
// the defaults are chosen.
import { execFile } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { outcome } from './outcome.mjs'

const CLI = resolve('dist/cli.mjs')

const { estimateChange, judgeChange, lookConfidence, nextDecision, PROVISIONAL_SAMPLING_BUDGET } =
  await import(pathToFileURL(resolve('dist/advanced.mjs')).href)

function compareOnce(repo, rounds) {
  const started = performance.now()
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, 'compare', '--base', repo.base, '--rounds', String(rounds)],
      {
        cwd: repo.dir,
        // GATE_BASELINE_SECONDS is the baselines half's: here the specs neither read nor write a baseline.
        env: { ...process.env, TMPDIR: repo.tmp, CI: '', NO_COLOR: '1', GATE_BASELINE_SECONDS: '' },
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

// Fixed looks at 4, 6 and all pairs; sequential sampling (the provisional budget, capped at rounds) when
// rounds reaches its first look.
function rulesFor(rounds) {
  const plans = [
    ...[...new Set([4, 6, rounds])]
      .filter((pairs) => pairs <= rounds)
      .map((pairs) => ({ pairs, sequential: false })),
    ...(rounds >= PROVISIONAL_SAMPLING_BUDGET.minimumSamples ? [{ pairs: rounds, sequential: true }] : []),
  ]
  const rules = []
  for (const gated of ['cpu', 'all'])
    for (const tolerancePercent of [3, 5, 10])
      for (const decideBeyondZero of [false, true])
        for (const plan of plans) rules.push({ gated, tolerancePercent, decideBeyondZero, ...plan })
  return rules
}

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

/** Runs the half on `repo` and prints it; returns `{ summary, replays, results }` for the JSON output. */
export async function runCompareHalf({ repo, levels, comparisons, rounds, factorOf }) {
  console.log(`\nCompare half: ${comparisons} × perfspec compare --rounds ${rounds} per level`)
  const results = []
  for (const level of levels) {
    repo.checkout(factorOf(level))
    for (let index = 0; index < comparisons; index++) {
      const run = await compareOnce(repo, rounds)
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

  const summary = []
  const count = (level, rule, name) =>
    results.filter((result) => result.level === level && judgeWith(result.report, rule) === name).length
  console.log(`\nAs the command judged (tolerance 5%, ${rounds} pairs at 95%, every gated metric):`)
  for (const level of levels) {
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
  console.log(`  ${'rule'.padEnd(58)} ${levels.map((level) => `+${level}%`.padStart(9)).join('')}`)
  const replays = []
  for (const rule of rulesFor(rounds)) {
    const cells = levels.map(
      (level) => `${count(level, rule, 'flagged')}/${count(level, rule, 'inconclusive')}`,
    )
    replays.push({ rule: ruleName(rule), cells })
    console.log(`  ${ruleName(rule).padEnd(58)} ${cells.map((cell) => cell.padStart(9)).join('')}`)
  }
  return { summary, replays, results }
}
