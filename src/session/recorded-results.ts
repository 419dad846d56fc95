import { isNestedRun } from '../context.ts'
import type { BaselineCheck, PerfResult, RecordedResult } from '../model/index.ts'

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
      return baseline === undefined ? { result } : { result, baseline }
    })
}
