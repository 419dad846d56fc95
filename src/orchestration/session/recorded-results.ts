import type { BaselineCheck, PerfResult, RecordedResult } from '../../foundation/model/index.ts'
import { isNestedRun } from '../context.ts'

/**
 * What a test's recorded results become for its reporter: stress steps and comparison runs are left out
 * (their group shows them), and a load result the baseline matcher checked carries the check.
 */
export function toRecordedResults(
  results: readonly PerfResult[],
  baselines: ReadonlyMap<object, BaselineCheck>,
): RecordedResult[] {
  return results
    .filter((result) => !isNestedRun(result))
    .map((result) => {
      const baseline = baselines.get(result)
      if (baseline === undefined) return { result }
      // The matcher leaves the result alone: its warnings join a copy, for every report to show.
      const added = (baseline.warnings ?? []).filter((warning) => !result.warnings.includes(warning))
      return {
        result: added.length === 0 ? result : { ...result, warnings: [...result.warnings, ...added] },
        baseline,
      }
    })
}
