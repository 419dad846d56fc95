import { readFile } from 'node:fs/promises'
import type { ReportRow } from './rows.ts'

function isEntry(value: unknown): value is ReportRow {
  if (typeof value !== 'object' || value === null) return false
  const { file, test, state, result } = value as Record<string, unknown>
  return (
    typeof file === 'string' &&
    typeof test === 'string' &&
    typeof state === 'string' &&
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { kind?: unknown }).kind === 'string'
  )
}

/**
 * The results of the JSON report at `file` when another process wrote it after `startedAt` (a run sharing
 * the report folder with this one): they belong in this run's reports beside its own. An older report
 * (an earlier run's), a missing one, or one that does not read as a perfspec report gives none.
 */
export async function readConcurrentRows(file: string, startedAt: Date): Promise<ReportRow[]> {
  let report: { version?: unknown; generatedAt?: unknown; results?: unknown }
  try {
    report = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return []
  }
  if (report?.version !== 2 || typeof report.generatedAt !== 'string' || !Array.isArray(report.results)) {
    return []
  }
  const generatedAt = Date.parse(report.generatedAt)
  if (!(generatedAt >= startedAt.getTime())) return []
  return report.results
    .filter(isEntry)
    .map(({ file, test, state, result, baseline }) =>
      baseline === undefined ? { file, test, state, result } : { file, test, state, result, baseline },
    )
}
