// Part of `npm run bench`: the gate's power on a shared machine. Does the gate flag a heavier handler, and
// leave an unchanged one alone, while a noisy neighbour burns CPU on every core? Two halves, one app, one
// neighbour:
//
// - App: a fixture git repository (bench/gate-power/fixture-repo.mjs) whose handler burns BASE_US µs of CPU
//   per request at the base commit, and 0%, +10%, +20%, +50% more on one branch each.
// - Noise: bench/gate-power/noisy-neighbour.mjs, random 50–500 ms bursts about 30% of the time, on each core.
// - compare (bench/gate-power/compare-half.mjs): GATE_COMPARISONS real `perfspec compare --base <base>
//   --rounds GATE_ROUNDS` per level, each judging GATE_SPECS perf specs of GATE_SECONDS s (GATE_USERS
//   users). Prints, per level, flagged (any gated metric regressed), inconclusive and wall time per
//   comparison — as the command judged, and replayed from the same round pairs under other rules (metrics
//   gated, tolerance, decideBeyondZero, fixed pairs or sequential sampling), which is how the defaults are
//   chosen.
// - baselines (bench/gate-power/baselines-half.mjs): per level, one baseline recorded on the base commit
//   with `vitest run -u` and committed, then GATE_COMPARISONS CI runs of the head commit's specs
//   (GATE_BASELINE_SECONDS s each) judged by `toMatchPerfBaseline` against it. Prints the same counts and
//   the wall time per run.
// The raw reports of both go to GATE_OUT (test-output/gate-power.json).
//
// Wall time at the defaults, estimated from a smoke run on the 2-core development machine (noise off, load
// average 2–5), where a Vitest run took about 5 s (2 s of load) and 8 s (5 s of load) with its startup:
// the compare half about 2 hours (80 comparisons of 16 runs, ~85 s a comparison with its base worktree),
// the baselines half about 12 minutes (4 recordings and 80 judged runs of ~8 s) — about 2¼ hours in all,
// more with the neighbour burning 30% of each core.
//
// GATE_HALVES (compare,baselines), GATE_COMPARISONS (20), GATE_LEVELS (0,10,20,50), GATE_ROUNDS (8),
// GATE_SPECS (1), GATE_SECONDS (2), GATE_BASELINE_SECONDS (5), GATE_USERS (4), GATE_BASE_US (200),
// GATE_NOISE (1; 0 runs without the neighbour).
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { runBaselinesHalf } from './gate-power/baselines-half.mjs'
import { runCompareHalf } from './gate-power/compare-half.mjs'
import { createFixtureRepo, iterationsPerMicrosecond } from './gate-power/fixture-repo.mjs'
import { startNoisyNeighbour } from './gate-power/noisy-neighbour.mjs'

const HALVES = (process.env.GATE_HALVES ?? 'compare,baselines').split(',')
const COMPARISONS = Number(process.env.GATE_COMPARISONS ?? 20)
const LEVELS = (process.env.GATE_LEVELS ?? '0,10,20,50').split(',').map(Number)
const ROUNDS = Number(process.env.GATE_ROUNDS ?? 8)
const SPECS = Number(process.env.GATE_SPECS ?? 1)
const SECONDS = Number(process.env.GATE_SECONDS ?? 2)
// A committed baseline is judged by whole seconds of steady state, at least 3 a side: runs longer than
// the compare half's.
const BASELINE_SECONDS = Number(process.env.GATE_BASELINE_SECONDS ?? 5)
const USERS = Number(process.env.GATE_USERS ?? 4)
const BASE_US = Number(process.env.GATE_BASE_US ?? 200)
const NOISE = process.env.GATE_NOISE !== '0'
const OUT = resolve(process.env.GATE_OUT ?? 'test-output/gate-power.json')

const unknownHalves = HALVES.filter((half) => half !== 'compare' && half !== 'baselines')
if (unknownHalves.length > 0) {
  console.error(`GATE_HALVES: unknown ${unknownHalves.join(', ')} (compare, baselines)`)
  process.exit(2)
}

const factorOf = (level) => 1 + level / 100

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
  `\nGate power (${HALVES.join(' + ')}): ${COMPARISONS} comparisons per level at +${LEVELS.join('/+')}%, ` +
    `${SPECS} spec(s) of ${SECONDS}s (compare) or ${BASELINE_SECONDS}s (baselines), ${USERS} users, handler ${BASE_US} µs CPU (${baseIterations} iterations), ` +
    `noisy neighbour ${NOISE ? 'on' : 'off'}; load average at start ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
)
const output = {}
const started = performance.now()
try {
  if (HALVES.includes('compare'))
    output.compare = await runCompareHalf({
      repo,
      levels: LEVELS,
      comparisons: COMPARISONS,
      rounds: ROUNDS,
      factorOf,
    })
  if (HALVES.includes('baselines'))
    output.baselines = await runBaselinesHalf({
      repo,
      levels: LEVELS,
      comparisons: COMPARISONS,
      seconds: BASELINE_SECONDS,
      factorOf,
    })
} finally {
  cleanup()
}

console.log(
  `\n${((performance.now() - started) / 60_000).toFixed(1)} min in all; load average at the end ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)
mkdirSync(dirname(OUT), { recursive: true })
writeFileSync(OUT, `${JSON.stringify(output, null, 2)}\n`)
console.log(`raw reports: ${OUT}`)
