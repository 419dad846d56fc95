import { readFileSync } from 'node:fs'
import type { LoadMetrics, LoadTestResult } from '../../foundation/model/index.ts'
import { isPerfResult } from '../../foundation/model/index.ts'
import { formatPercent } from '../../foundation/util/format.ts'
import type { GatedMetric, RunIdentity } from './types.ts'

/** One run (or endpoint) of one round: its gated values, and what to say about them. */
export interface RoundRun {
  identity: RunIdentity
  values: Partial<Record<GatedMetric, number>>
  /** Failed requests, in percent: a failing run's latency and throughput describe its errors too. */
  errorRatePercent: number
}

/** One side of one round: its runs by key. */
export type RoundRuns = Map<string, RoundRun>

/** What a round's JSON report holds, read defensively: entries of any kind, `result` of any version. */
interface ReportEntryLike {
  file?: unknown
  test?: unknown
  result?: unknown
}

/** The key a run is matched by: file, test, run and endpoint. */
export function keyOf(identity: RunIdentity): string {
  return JSON.stringify([identity.file, identity.test, identity.run, identity.endpoint ?? null])
}

/**
 * The runs of a round's JSON report (`perfspec-report.json`, version 2), one per load run and per journey
 * endpoint; a comparison's configurations count as runs. Stress tests and benchmarks are not compared.
 * Undefined when the file does not exist or is not a report (the round gave no results); a run the abort of
 * its test cut short is left out (its numbers describe part of a run).
 */
export function readRoundRuns(file: string): RoundRuns | undefined {
  let report: { results?: unknown }
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as { results?: unknown }
  } catch {
    return undefined
  }
  if (!Array.isArray(report.results)) return undefined
  const runs: RoundRuns = new Map()
  const add = (identity: RunIdentity, result: LoadTestResult, metrics: LoadMetrics, whole: boolean) => {
    // Same names twice in one test (a loop): the second is its own run, matched in order.
    let unique = identity
    for (let occurrence = 2; runs.has(keyOf(unique)); occurrence++) {
      unique = { ...identity, run: `${identity.run} #${occurrence}` }
    }
    runs.set(keyOf(unique), {
      identity: unique,
      values: valuesOf(result, metrics, whole),
      errorRatePercent: metrics.errorRatePercent,
    })
  }
  for (const entry of report.results as ReportEntryLike[]) {
    if (typeof entry.file !== 'string' || typeof entry.test !== 'string' || !isPerfResult(entry.result))
      continue
    const { file: specFile, test } = entry
    const loads: { run: string; result: LoadTestResult }[] =
      entry.result.kind === 'load'
        ? [{ run: entry.result.name, result: entry.result }]
        : entry.result.kind === 'comparison'
          ? entry.result.runs.map(({ name, result }) => ({ run: name, result }))
          : []
    for (const { run, result } of loads) {
      if (result.aborted) continue
      add({ file: specFile, test, run }, result, result.metrics, true)
      for (const [endpoint, metrics] of Object.entries(result.endpoints ?? {})) {
        add({ file: specFile, test, run, endpoint }, result, metrics, false)
      }
    }
  }
  return runs
}

function valuesOf(
  result: LoadTestResult,
  metrics: LoadMetrics,
  whole: boolean,
): Partial<Record<GatedMetric, number>> {
  const values: Partial<Record<GatedMetric, number>> = {
    p95: metrics.responseTimes.p95,
    rps: metrics.rps,
  }
  // The app's CPU is measured for the whole run, not per endpoint; `app` may be absent (older results).
  const { app } = result
  if (whole && app?.measured === true && typeof app.cpuPerRequestUs === 'number') {
    values.cpuPerRequest = app.cpuPerRequestUs
  }
  return values
}

/** A note for runs with failed requests: `head: 12.50% of requests failed (round 3)`. */
export function describeFailures(
  side: 'base' | 'head',
  rates: readonly (number | undefined)[],
): string | undefined {
  const worst = Math.max(0, ...rates.filter((rate): rate is number => rate !== undefined))
  if (worst === 0) return undefined
  const round = rates.indexOf(worst) + 1
  return `${side}: up to ${formatPercent(worst)}% of requests failed (round pair ${round}); latency and rps describe the failures too`
}
