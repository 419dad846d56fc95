import type { BaselineCheck, MachineInfo, PerfResult } from '../../foundation/model/index.ts'
import { writeFileAtomic } from '../../foundation/util/write-atomic.ts'
import type { ReportMeta } from './meta.ts'
import { countVerdicts, type ReportRow, type TestState, type Verdict, verdictOf } from './rows.ts'

/** The content of `perfspec-report.json`. */
export interface JsonReport {
  version: 2
  generatedAt: string
  machine: MachineInfo
  /** The test runner and its version, e.g. `vitest 4.1.12`. */
  runner: string
  /** Inconclusive: the test passed, its baseline comparison could not decide (not counted as passed). */
  summary: { runs: number; passed: number; failed: number; inconclusive: number }
  results: JsonReportEntry[]
}

/** One result of the run: a load run, a stress test or a comparison (told apart by `result.kind`). */
export interface JsonReportEntry {
  file: string
  test: string
  state: TestState
  verdict: Verdict
  result: PerfResult
  /** Present when the test compared the result with its baseline (or recorded it). */
  baseline?: BaselineCheck
}

/** Builds the JSON report of a run. Pure. */
export function buildJsonReport(rows: readonly ReportRow[], context: ReportMeta): JsonReport {
  const results = rows.map((row) => ({ ...row, verdict: verdictOf(row) }))
  const { passed, failed, inconclusive } = countVerdicts(rows)
  return {
    version: 2,
    generatedAt: (context.now ?? new Date()).toISOString(),
    machine: context.machine,
    runner: context.runner,
    summary: { runs: rows.length, passed, failed, inconclusive },
    results: results.map(({ file, test, state, verdict, result, baseline }) =>
      baseline === undefined
        ? { file, test, state, verdict, result }
        : { file, test, state, verdict, result, baseline },
    ),
  }
}

/** Writes the report atomically, pretty-printed. */
export async function writeJsonReport(file: string, report: JsonReport): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`)
}
