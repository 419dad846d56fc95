import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AbCompareReport } from '../../src/orchestration/ab-compare/types.ts'
import {
  type CompareFixture,
  createCompareFixture,
  leftoverWorktrees,
  markedProcesses,
  runCompare,
  startCompare,
} from './compare-fixture.ts'

// `perfspec compare --base <ref>` on a git repository made here: a node:http app and its perf spec, run by
// the real Vitest (and Jest). The second commit makes the handler 3x heavier in CPU; a branch beside it
// keeps the handler and adds a test. Rounds are 1 s runs of 2 users, 3 round pairs: the verdicts asserted
// are the robust ones (a 3x heavier handler loses far more than 5% of its rps); power belongs to the bench.

// Light enough for a busy 2-core machine, heavy enough that the handler's CPU dominates a request.
const WORK = 200_000
const LONG = { timeout: 150_000 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs
  while (!condition()) {
    if (performance.now() > end) return false
    await sleep(100)
  }
  return true
}

function readReport(fixture: CompareFixture): AbCompareReport {
  return JSON.parse(readFileSync(path.join(fixture.dir, 'perfspec-compare.json'), 'utf8')) as AbCompareReport
}

async function worktreeCount(fixture: CompareFixture): Promise<number> {
  const list = await fixture.git('worktree', 'list', '--porcelain')
  return list.split('\n').filter((line) => line.startsWith('worktree ')).length
}

/** Nothing left behind: no temp worktree, no worktree in git's list, no process the command started. */
async function expectCleanedUp(fixture: CompareFixture): Promise<void> {
  expect(leftoverWorktrees(fixture)).toEqual([])
  expect(await worktreeCount(fixture)).toBe(1)
  // Processes killed at the end may take a moment to be reaped.
  await until(() => markedProcesses(fixture.marker).length === 0, 5000)
  expect(markedProcesses(fixture.marker)).toEqual([])
}

describe('perfspec compare on a Vitest project', () => {
  let fixture: CompareFixture
  let base: string

  beforeAll(async () => {
    fixture = await createCompareFixture('vitest')
    base = await fixture.commit('the app and its perf spec', { work: WORK })
    await fixture.commit('a 3x heavier handler', { work: 3 * WORK })
    await fixture.git('checkout', '--quiet', '-b', 'same-handler', base)
    await fixture.commit('another test, the same handler', { work: WORK, extraTest: true })
  }, 30_000)
  afterAll(() => fixture?.remove())

  test('a ref that names no commit is exit 2 with a clear message, before any worktree', async () => {
    const run = await runCompare(fixture, ['--base', 'no-such-branch', '--rounds', '2'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('`--base no-such-branch` names no commit')
    expect(run.stdout).toBe('')
    await expectCleanedUp(fixture)
  })

  test('uncommitted changes to tracked files are exit 2, naming --allow-dirty', async () => {
    const app = path.join(fixture.dir, 'app.mjs')
    const committed = readFileSync(app, 'utf8')
    await writeFile(app, `${committed}// changed\n`)
    try {
      const run = await runCompare(fixture, ['--base', base, '--rounds', '2'])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/uncommitted changes to 1 tracked file \(app\.mjs\).*--allow-dirty/s)
      await expectCleanedUp(fixture)
    } finally {
      await writeFile(app, committed)
    }
  })

  test(
    'selected files with no perf results in the working tree are exit 2, with the runner’s words',
    LONG,
    async () => {
      const run = await runCompare(fixture, ['--base', base, '--rounds', '2', 'no-such.perf.test.mjs'])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("The working tree's perf specs wrote no perfspec report")
      expect(run.stderr).toMatch(
        /head: the first round wrote no perfspec report \(exit code 1\):\n[\s\S]*No test files found/,
      )
      await expectCleanedUp(fixture)
    },
  )

  // The app's CPU per request is the gate that holds on a busy machine (CPU time is not inflated by a
  // neighbour); p95 and rps over three 1 s rounds may stay undecided there, but are never called better.
  test(
    'a 3x heavier handler is flagged: exit 1, app CPU per request regressed, p95 and rps not called better',
    LONG,
    async () => {
      await fixture.git('checkout', '--quiet', 'main')
      const run = await runCompare(fixture, ['--base', base, '--rounds', '3'])
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1)
      const report = readReport(fixture)
      expect(report).toMatchObject({
        version: 1,
        runner: 'vitest',
        base: { ref: base, commit: base },
        sampling: { mode: 'fixed', pairs: 3, order: 'AB BA AB', intervalConfidence: 0.95 },
        onlyInBase: [],
        onlyInHead: [],
      })
      expect(report.runs.map(({ file, test, run }) => ({ file, test, run }))).toEqual([
        { file: 'api.perf.test.mjs', test: 'GET /', run: '/' },
      ])
      const metrics = Object.fromEntries(report.runs[0]!.metrics.map((metric) => [metric.metric, metric]))
      expect(metrics['cpuPerRequest']).toMatchObject({ verdict: 'regressed', pairs: 3 })
      expect(metrics['cpuPerRequest']!.estimate).toMatchObject({
        state: 'estimated',
        samples: { base: 3, head: 3 },
      })
      expect(metrics['cpuPerRequest']!.base.every((value) => value !== null && value > 0)).toBe(true)
      expect(['regressed', 'inconclusive']).toContain(metrics['p95']!.verdict)
      expect(['regressed', 'inconclusive']).toContain(metrics['rps']!.verdict)

      expect(run.stdout).toMatch(/PERF COMPARE\s+base \w{40} \(\w{7}\) → head \w{7}/)
      expect(run.stdout).toMatch(/api\.perf\.test\.mjs › GET \/ \[\/\]\n\s+app CPU\/req .*✗ regressed/)
      const markdown = readFileSync(path.join(fixture.dir, 'perfspec-compare.md'), 'utf8')
      expect(markdown).toMatch(/^### ❌ perfspec compare: [123] regressed/)
      expect(markdown).toMatch(
        /\| app CPU\/req \| [\d.]+ µs \| [\d.]+ µs \| \+[\d.]+% \[\+[\d.]+%, \+[\d.]+%\] \| ❌ regressed \|/,
      )
      const html = readFileSync(path.join(fixture.dir, 'perfspec-compare.html'), 'utf8')
      expect(html).toContain('<section class="result" id="compare" data-kind="compare">')
      // The head's last round follows with its own section and charts.
      expect(html).toContain('data-kind="load"')
      await expectCleanedUp(fixture)
    },
  )

  test('the same handler is not flagged, and a run found on one side only is listed', LONG, async () => {
    await fixture.git('checkout', '--quiet', 'same-handler')
    const run = await runCompare(fixture, ['--base', base, '--rounds', '3', '--tolerance', '20'])
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
    const report = readReport(fixture)
    expect(report.runs.map((compared) => compared.test)).toEqual(['GET /'])
    // The app's CPU per request, p95 and rps: each judged, none regressed.
    const metrics = report.runs[0]!.metrics
    expect(metrics.map((metric) => metric.metric).sort()).toEqual(['cpuPerRequest', 'p95', 'rps'])
    expect(metrics.map((metric) => metric.verdict)).not.toContain('regressed')
    expect(report.summary.regressed).toBe(0)
    expect(report.onlyInBase).toEqual([])
    expect(report.onlyInHead).toEqual([{ file: 'api.perf.test.mjs', test: 'GET /extra', run: '/extra' }])
    expect(run.stdout).toContain('⚑ only in head, not compared: api.perf.test.mjs › GET /extra [/extra]')
    const markdown = readFileSync(path.join(fixture.dir, 'perfspec-compare.md'), 'utf8')
    expect(markdown).toContain('only in head, not compared: api.perf.test.mjs › GET /extra \\[/extra\\]')
    await expectCleanedUp(fixture)
  })

  test('Ctrl-C mid-round: exit 130, no worktree and no process left behind', LONG, async () => {
    await fixture.git('checkout', '--quiet', 'main')
    const { child, done } = startCompare(fixture, ['--base', base, '--rounds', '4'])
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    // The base round is over and the head's runner is running: a worktree and a runner are there to clean.
    expect(await until(() => stderr.includes('round pair 1/4: head'), 60_000)).toBe(true)
    expect(leftoverWorktrees(fixture)).toHaveLength(1)
    await sleep(1000)
    expect(markedProcesses(fixture.marker).length).toBeGreaterThan(1)
    child.kill('SIGINT')
    const run = await done
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('interrupted; the base worktree was removed')
    await expectCleanedUp(fixture)
  })
})

describe('perfspec compare on a Jest project', () => {
  let fixture: CompareFixture
  let base: string

  beforeAll(async () => {
    fixture = await createCompareFixture('jest')
    base = await fixture.commit('the app and its perf spec', { work: WORK })
    await fixture.commit('a 3x heavier handler', { work: 3 * WORK })
  }, 30_000)
  afterAll(() => fixture?.remove())

  test('a 3x heavier handler is flagged, the runner found from jest.config.cjs', LONG, async () => {
    const run = await runCompare(fixture, ['--base', base, '--rounds', '3', '--', '--runInBand'])
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1)
    const report = readReport(fixture)
    expect(report).toMatchObject({ runner: 'jest', runnerArgs: ['--runInBand'] })
    const cpu = report.runs[0]!.metrics.find((metric) => metric.metric === 'cpuPerRequest')
    expect(cpu?.verdict).toBe('regressed')
    await expectCleanedUp(fixture)
  })
})
