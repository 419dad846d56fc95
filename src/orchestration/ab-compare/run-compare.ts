import { readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { CompareSetupError } from '../../foundation/errors.ts'
import type { BaselineCheck, PerfResult } from '../../foundation/model/index.ts'
import { isPerfResult } from '../../foundation/model/index.ts'
import { describeMachine } from '../baseline/machine.ts'
import { createBaseTree } from './base-tree.ts'
import { readHead, resolveCommit, shortCommit } from './git.ts'
import { provideDependencies } from './install.ts'
import { PairVerdicts, type RoundPair } from './pair-verdicts.ts'
import { readRoundRuns } from './round-samples.ts'
import { detectRunner, locateRunner, type RoundOutcome, runRound } from './runner.ts'
import type { AbCompareReport, CompareRunner, CompareSampling, GatedMetric } from './types.ts'

export type CompareSide = 'base' | 'head'

/** What `runAbCompare` is doing, for a progress line. */
export type CompareProgress =
  | { kind: 'setup'; message: string }
  | { kind: 'round-start'; pair: number; side: CompareSide; maxPairs: number }
  | {
      kind: 'round-end'
      pair: number
      side: CompareSide
      ms: number
      /** Runs the round reported; undefined when it wrote no report. */
      runs: number | undefined
      outcome: RoundOutcome
    }
  | { kind: 'look'; pair: number; open: number; gated: number }

export interface AbCompareRequest {
  /** The project folder in the working tree (the head). */
  cwd: string
  /** The base: a branch, tag or commit. */
  base: string
  /** Spec files or filters for the runner; empty runs what the runner runs by default. */
  files: readonly string[]
  /** The project's own runner arguments (what followed `--`). */
  runnerArgs: readonly string[]
  /** Vitest or Jest; detected from the project when absent. */
  runner?: CompareRunner | undefined
  sampling: CompareSampling
  tolerances: Record<GatedMetric, number>
  /** Measure uncommitted changes of tracked files as part of the head, instead of refusing them. */
  allowDirty: boolean
  /** A shell command that installs the base tree's dependencies, instead of reusing or the lockfile's. */
  installCommand?: string | undefined
  signal: AbortSignal
  onProgress?: (progress: CompareProgress) => void
  /** A monotonic clock in ms, for the time budget. @default performance.now */
  now?: () => number
}

/** A result of the head's last round, as the reporters wrote it: for the HTML report's sections. */
export interface HeadEntry {
  file: string
  test: string
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  result: PerfResult
  baseline?: BaselineCheck
}

export interface AbCompareOutcome {
  report: AbCompareReport
  /** The results of the head's last round. */
  headEntries: HeadEntry[]
}

/**
 * `perfspec compare --base <ref>`: checks out `ref` in a temp worktree, gives it dependencies, and runs the
 * selected perf specs of both trees alternately on this machine, in round pairs A B, B A, … (A the base),
 * until the sampling plan stops. Runs are matched by file, test, run and endpoint; each gated metric gets a
 * paired change estimate and a verdict. The worktree is removed at the end, on abort, and on exit.
 * Setup failures are CompareSetupErrors; an abort rethrows the signal's reason.
 */
export async function runAbCompare(request: AbCompareRequest): Promise<AbCompareOutcome> {
  const now = request.now ?? (() => performance.now())
  const started = now()
  const progress = request.onProgress ?? (() => {})
  // git names folders by their real path: a cwd through a symlink (macOS's /tmp) would not sit below its top.
  const cwd = realpathSync(path.resolve(request.cwd))
  const head = await readHead(cwd)
  if (head.changedFiles.length > 0 && !request.allowDirty) {
    const listed = head.changedFiles.slice(0, 5).join(', ') + (head.changedFiles.length > 5 ? ', …' : '')
    throw new CompareSetupError(
      'dirty-tree',
      `The working tree has uncommitted changes to ${head.changedFiles.length} tracked file${head.changedFiles.length === 1 ? '' : 's'} (${listed}): ` +
        `the head measured would not be the commit the report names. Commit or stash them, or pass --allow-dirty to measure the working tree as it is.`,
    )
  }
  const baseCommit = await resolveCommit(head.root, request.base)
  const runner = request.runner ?? detectRunner(cwd)
  const headExecutable = await locateRunner(runner, cwd, head.root)
  request.signal.throwIfAborted()

  const tree = await createBaseTree(head.root, cwd, baseCommit)
  try {
    progress({
      kind: 'setup',
      message: `base ${request.base} (${shortCommit(baseCommit)}) checked out in ${tree.root}`,
    })
    const installed = await provideDependencies({
      headRoot: head.root,
      baseRoot: tree.root,
      headProjectDir: cwd,
      command: request.installCommand,
      signal: request.signal,
      runDir: tree.dir,
    })
    progress({ kind: 'setup', message: installed })
    const baseExecutable = await locateRunner(runner, tree.projectDir, tree.root)
    const sides = {
      base: { cwd: tree.projectDir, executable: baseExecutable },
      head: { cwd, executable: headExecutable },
    }
    const verdicts = new PairVerdicts(request.sampling, request.tolerances)
    const maxPairs =
      request.sampling.mode === 'fixed' ? request.sampling.pairs : request.sampling.budget.maximumSamples
    const timeBudgetMs = request.sampling.mode === 'sequential' ? request.sampling.timeBudgetMs : undefined
    const notes = [installed]
    const order: string[] = []
    let headFile: string | undefined
    let longestPairMs = 0
    let stopReason = ''
    let undecidedWhy: string | undefined
    for (let pair = 1; ; pair++) {
      const pairStarted = now()
      // A B, then B A: whatever drifts over a pair (a warming machine, a neighbour) weighs on both sides.
      const sequence: CompareSide[] = pair % 2 === 1 ? ['base', 'head'] : ['head', 'base']
      const runs: RoundPair = { base: undefined, head: undefined }
      for (const side of sequence) {
        progress({ kind: 'round-start', pair, side, maxPairs })
        const reportFile = path.join(tree.roundsDir, `${pair}-${side}.json`)
        const roundStarted = now()
        const outcome = await runRound({
          runner,
          executable: sides[side].executable,
          cwd: sides[side].cwd,
          files: request.files,
          runnerArgs: request.runnerArgs,
          reportFile,
          signal: request.signal,
          runDir: tree.dir,
        })
        runs[side] = readRoundRuns(reportFile)
        if (side === 'head' && runs.head !== undefined) headFile = reportFile
        progress({ kind: 'round-end', pair, side, ms: now() - roundStarted, runs: runs[side]?.size, outcome })
        if (runs[side] === undefined && pair === 1) {
          notes.push(
            `${side}: the first round wrote no perfspec report (exit code ${outcome.exitCode ?? 'none'}):\n${outcome.outputTail}`,
          )
        }
      }
      order.push(sequence.map((side) => (side === 'base' ? 'A' : 'B')).join(''))
      verdicts.add(runs)
      longestPairMs = Math.max(longestPairMs, now() - pairStarted)
      // A base without perf results (it predates them) leaves every head run one-sided; a head without any
      // is a broken gate, never a pass.
      if (pair === 1 && runs.head === undefined) {
        throw new CompareSetupError(
          'results',
          `The working tree's perf specs wrote no perfspec report: are the selected files perf specs, and is the perfspec reporter configured (perf() in the Vitest config, perfspec/jest-reporter in Jest's)?\n${notes.filter((note) => note.startsWith('head:')).join('\n')}`,
        )
      }
      const { open, gated } = verdicts.openCount()
      progress({ kind: 'look', pair, open, gated })
      if (verdicts.matchedCount() === 0) {
        stopReason = 'no run exists on both sides: nothing to sample'
        break
      }
      if (request.sampling.mode === 'sequential' && gated > 0 && open === 0) {
        stopReason = `every gated metric decided after ${pair} round pairs`
        break
      }
      if (pair >= maxPairs) {
        stopReason =
          request.sampling.mode === 'fixed'
            ? `${pair} round pairs, as asked`
            : `the budget of ${maxPairs} round pairs is spent`
        break
      }
      if (timeBudgetMs !== undefined && now() - started + longestPairMs > timeBudgetMs) {
        stopReason = `the time budget of ${formatSeconds(timeBudgetMs)} leaves no room for another round pair (${formatSeconds(longestPairMs)} each)`
        undecidedWhy = `${stopReason}, stopped after ${pair}`
        break
      }
    }
    const { runs, onlyInBase, onlyInHead } = verdicts.results(undecidedWhy)
    const summary = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 }
    for (const run of runs) for (const metric of run.metrics) summary[metric.verdict]++
    const report: AbCompareReport = {
      version: 1,
      generatedAt: new Date().toISOString(),
      machine: describeMachine(),
      runner,
      runnerArgs: [...request.files, ...request.runnerArgs],
      base: { ref: request.base, commit: baseCommit },
      head: { commit: head.commit, uncommittedChanges: head.changedFiles.length > 0 },
      sampling: {
        mode: request.sampling.mode,
        pairs: verdicts.pairs.length,
        order: order.join(' '),
        stopReason,
        intervalConfidence: verdicts.intervalConfidence,
        ...(request.sampling.mode === 'sequential' && { budget: request.sampling.budget }),
        ...(timeBudgetMs !== undefined && { timeBudgetMs }),
      },
      tolerances: request.tolerances,
      durationMs: now() - started,
      runs,
      onlyInBase,
      onlyInHead,
      summary,
      notes,
    }
    return { report, headEntries: headFile === undefined ? [] : readEntries(headFile) }
  } finally {
    tree.remove()
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

function readEntries(file: string): HeadEntry[] {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { results?: unknown }
    if (!Array.isArray(report.results)) return []
    return (report.results as Partial<HeadEntry>[]).filter(
      (entry): entry is HeadEntry =>
        typeof entry.file === 'string' && typeof entry.test === 'string' && isPerfResult(entry.result),
    )
  } catch {
    return []
  }
}
