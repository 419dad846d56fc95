// The gate-power bench's committed-baselines half. At each level, beside the same noisy neighbour:
// - record ONE baseline on the base commit as a user does: `vitest run -u`, then commit `__perf__/`;
// - on top of it, commit the handler of the level (a pull request on that branch), and run its specs
//   GATE_COMPARISONS times under CI, where `toMatchPerfBaseline` judges the committed baseline and never
//   writes it.
// Each run's outcome is what the matcher decided, read from the entry in its JSON report: flagged when a
// spec's comparison regressed (the test fails), inconclusive when one could not decide (the test passes).
import { execFile } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { outcome } from './outcome.mjs'

/** One `vitest run` of the project's specs (with `-u` when `update`), and the perfspec JSON report it wrote. */
function runSpecs(repo, { update, seconds }) {
  const reportFile = join(repo.tmp, 'baselines-half-report.json')
  const started = performance.now()
  return new Promise((done) => {
    execFile(
      join(repo.dir, 'node_modules', '.bin', 'vitest'),
      ['run', ...(update ? ['-u'] : [])],
      {
        cwd: repo.dir,
        env: {
          ...process.env,
          TMPDIR: repo.tmp,
          NO_COLOR: '1',
          // Recording is a developer's run; judging is CI's, which never writes a baseline.
          CI: update ? '' : 'true',
          GATE_BASELINE_SECONDS: String(seconds),
          PERFSPEC_JSON_REPORT: reportFile,
        },
        timeout: 10 * 60_000,
      },
      (error, stdout, stderr) => {
        const wallMs = performance.now() - started
        let report
        try {
          report = JSON.parse(readFileSync(reportFile, 'utf8'))
        } catch {
          report = undefined
        }
        rmSync(reportFile, { force: true })
        done({
          exitCode: error ? (error.code ?? -1) : 0,
          wallMs,
          entries: (report?.results ?? []).map(({ file, test, verdict, baseline }) => ({
            file,
            test,
            verdict,
            baseline,
          })),
          outputTail: `${stdout}${stderr}`.slice(-2000),
        })
      },
    )
  })
}

/** Each spec's comparison verdict; a spec without a comparison (it failed to run) counts as inconclusive. */
const verdictsOf = (run) => run.entries.map((entry) => entry.baseline?.comparison?.verdict ?? 'inconclusive')

const cpuOf = (entry) => entry.baseline?.comparison?.cpuPerRequest

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
const sd = (values) =>
  Math.sqrt(values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1 || 1))

async function recordBaseline(repo, level, seconds) {
  repo.branchFromBase(`baseline-${level}`)
  const recording = await runSpecs(repo, { update: true, seconds })
  const recorded = recording.entries.filter((entry) => entry.baseline?.comparison === null)
  if (recording.exitCode !== 0 || recorded.length === 0)
    throw new Error(`recording the baseline failed (exit ${recording.exitCode}):\n${recording.outputTail}`)
  for (const warning of recorded.flatMap((entry) => entry.baseline.warnings ?? []))
    console.log(`    baseline warning: ${warning}`)
  repo.commitAll('perf baseline')
  return recording
}

/** Runs the half on `repo` and prints it; returns `{ summary, results }` for the JSON output. */
export async function runBaselinesHalf({ repo, levels, comparisons, seconds, factorOf }) {
  console.log(
    `\nBaselines half: per level one baseline recorded (vitest run -u) on the base commit, then ${comparisons} ` +
      `CI runs of the head against it; ${seconds}s runs`,
  )
  const results = []
  const recordings = []
  for (const level of levels) {
    const recording = await recordBaseline(repo, level, seconds)
    recordings.push({ level, wallMs: recording.wallMs, entries: recording.entries })
    repo.applyHead(factorOf(level))
    for (let index = 0; index < comparisons; index++) {
      const run = await runSpecs(repo, { update: false, seconds })
      results.push({ level, ...run })
      const cpu = run.entries.map(cpuOf).find((metric) => metric !== undefined)
      console.log(
        `  +${level}% #${index + 1}: exit ${run.exitCode}, ${outcome(verdictsOf(run))}, ` +
          `cpu ${cpu ? cpu.reason : 'not judged'} (${(run.wallMs / 1000).toFixed(0)} s)`,
      )
      if (run.entries.length === 0) console.log(`    no report: ${run.outputTail}`)
    }
    // CI never writes a baseline: anything changed in the tree would mean the runs judged something else.
    const changes = repo.changes()
    if (changes !== '') console.log(`    the runs changed the tree:\n${changes}`)
  }

  const summary = []
  console.log(
    '\nAs toMatchPerfBaseline judged (windows against the committed baseline, Welch at 95%, ' +
      'tolerances CPU/req 10%, p95 and rps 20%):',
  )
  for (const level of levels) {
    const mine = results.filter((result) => result.level === level)
    const outcomes = mine.map((result) => outcome(verdictsOf(result)))
    const cpuRatios = mine
      .flatMap((result) => result.entries.map(cpuOf))
      .filter((metric) => metric !== undefined)
      .map((metric) => metric.actual / metric.baseline)
    const line = {
      level,
      flagged: outcomes.filter((name) => name === 'flagged').length,
      flaggedOnCpu: mine.filter((result) =>
        result.entries.some((entry) => cpuOf(entry)?.verdict === 'regressed'),
      ).length,
      inconclusive: outcomes.filter((name) => name === 'inconclusive').length,
      of: mine.length,
      wallSeconds: mean(mine.map((result) => result.wallMs / 1000)),
      cpuPerRequestRatio:
        cpuRatios.length === 0 ? null : { mean: mean(cpuRatios), sd: sd(cpuRatios), of: cpuRatios.length },
    }
    summary.push(line)
    const ratio = line.cpuPerRequestRatio
    console.log(
      `  +${level}%: flagged ${line.flagged} of ${line.of} (${line.flaggedOnCpu} on CPU/req), ` +
        `inconclusive ${line.inconclusive}, ${line.wallSeconds.toFixed(0)} s per run; CPU/req / baseline ` +
        `${ratio ? `${ratio.mean.toFixed(2)} ± ${ratio.sd.toFixed(2)}` : 'not judged'}`,
    )
  }
  return { summary, recordings, results }
}
