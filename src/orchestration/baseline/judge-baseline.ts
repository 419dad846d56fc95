import type {
  BaselineComparison,
  BaselineEntry,
  BaselineSamples,
  EndpointComparison,
  LoadTestResult,
  MachineInfo,
} from '../../foundation/model/index.ts'
import { getOwn, setOwn } from '../../foundation/util/own-keys.ts'
import { judgeByPoint } from './judge-point.ts'
import { judgeByWindows } from './judge-windows.ts'
import { describeMachine, isSameHardware } from './machine.ts'
import { effectiveTolerancePercent } from './metric-rules.ts'
import { toBaselineSamples, toEndpointSamples, windowsOf } from './samples.ts'
import { notComparable, withVerdict } from './whole-verdict.ts'

/** How far each metric may move, as a fraction of the baseline (0.1 = 10%). */
export interface BaselineTolerances {
  /** The app's CPU per request. */
  cpu: number
  p95: number
  rps: number
}

export interface ComparisonLimits {
  /** A fraction of the baseline (0.2 = 20%) for every metric, or one per metric. */
  tolerance: number | Partial<BaselineTolerances>
  /** p95 must also move by more than this many ms (guards very fast endpoints). */
  floorMs: number
  /** rps must also move by more than this many requests per second. */
  floorRps: number
}

// CPU per request follows the app's cost (±3–5% between runs on a shared machine); latency and throughput
// follow the machine too, so they get the wider tolerance perfspec always had.
export const DEFAULT_TOLERANCES: BaselineTolerances = { cpu: 0.1, p95: 0.2, rps: 0.2 }

export const DEFAULT_LIMITS: ComparisonLimits = { tolerance: DEFAULT_TOLERANCES, floorMs: 2, floorRps: 1 }

/** A tolerance as given (one fraction, or some per metric) with the defaults for the rest. */
export function resolveTolerances(tolerance: ComparisonLimits['tolerance']): BaselineTolerances {
  if (typeof tolerance === 'number') return { cpu: tolerance, p95: tolerance, rps: tolerance }
  return { ...DEFAULT_TOLERANCES, ...tolerance }
}

/** The entry a result would store, with its steady-state windows when the run has a per-second timeline. */
export function toBaselineEntry(
  result: LoadTestResult,
  machine: MachineInfo,
  now = new Date(),
): BaselineEntry {
  const { metrics } = result
  const entry: BaselineEntry = {
    p50: metrics.responseTimes.p50,
    p95: metrics.responseTimes.p95,
    p99: metrics.responseTimes.p99,
    mean: metrics.responseTimes.mean,
    rps: metrics.rps,
    errorRatePercent: metrics.errorRatePercent,
    requests: metrics.totalRequests,
    tool: result.tool,
    users: result.options.users,
    durationMs: result.durationMs,
    recordedAt: now.toISOString(),
    machine,
  }
  if (result.app?.measured === true) entry.appCpuPerRequestUs = result.app.cpuPerRequestUs
  const samples = toBaselineSamples(result)
  if (samples !== undefined) entry.samples = samples
  if (result.endpoints !== undefined) {
    entry.endpoints = Object.fromEntries(
      Object.entries(result.endpoints).map(([name, endpoint]) => {
        const stored: NonNullable<BaselineEntry['endpoints']>[string] = {
          p95: endpoint.responseTimes.p95,
          rps: endpoint.rps,
        }
        const windows = toEndpointSamples(result, endpoint.timeline)
        if (windows !== undefined) stored.samples = windows
        return [name, stored]
      }),
    )
  }
  return entry
}

/**
 * Compares a run with its baseline.
 *
 * With windows on both sides (an entry recorded from a run with a per-second timeline, and this run's
 * timeline), each metric is judged by a Welch interval over the windows' logs and the verdict rule of
 * `perfspec compare`: regressed only when the whole interval is worse than the tolerance, unchanged when
 * it lies within it, inconclusive otherwise. Without them, one number against one number, as before:
 * regressed when worse by more than the tolerance AND the floor. A baseline recorded on another kind of
 * machine is not judged at all: every verdict is inconclusive, and the notes say why.
 */
export function compareWithBaseline(
  baseline: BaselineEntry,
  result: LoadTestResult,
  limits: ComparisonLimits = DEFAULT_LIMITS,
  machine: MachineInfo = describeMachine(),
): BaselineComparison {
  const tolerances = resolveTolerances(limits.tolerance)
  const judged =
    baseline.samples === undefined || result.timeline.length === 0
      ? judgePoints(baseline, result, tolerances, limits)
      : judgeWindows(baseline, baseline.samples, result, tolerances, limits)
  return isSameHardware(baseline.machine, machine) ? judged : notComparable(judged)
}

function judgeWindows(
  baseline: BaselineEntry,
  samples: BaselineSamples,
  result: LoadTestResult,
  tolerances: BaselineTolerances,
  limits: ComparisonLimits,
): BaselineComparison {
  const windows = windowsOf(result)
  const notes: string[] = []
  const actualP95 = result.metrics.responseTimes.p95
  const comparison: Omit<BaselineComparison, 'verdict' | 'regressed'> = {
    method: 'interval',
    p95: judgeByWindows({
      metric: 'p95',
      baseline: baseline.p95,
      actual: actualP95,
      stored: samples.p95,
      windows: windows.p95,
      tolerancePercent: effectiveTolerancePercent(baseline.p95, tolerances.p95, limits.floorMs),
    }),
    rps: judgeByWindows({
      metric: 'rps',
      baseline: baseline.rps,
      actual: result.metrics.rps,
      stored: samples.rps,
      windows: windows.rps,
      tolerancePercent: effectiveTolerancePercent(baseline.rps, tolerances.rps, limits.floorRps),
    }),
    notes,
  }
  const { app } = result
  const storedCpu = samples.cpuPerRequest
  if (storedCpu !== undefined && baseline.appCpuPerRequestUs !== undefined && app?.measured === true) {
    comparison.cpuPerRequest = judgeByWindows({
      metric: 'cpuPerRequest',
      baseline: baseline.appCpuPerRequestUs,
      actual: app.cpuPerRequestUs,
      stored: storedCpu,
      windows: windows.cpuPerRequest,
      tolerancePercent: tolerances.cpu * 100,
    })
  } else if (storedCpu !== undefined) {
    notes.push(
      `the app’s CPU per request is not compared: the baseline measured it, this run did not (${app?.measured === false ? app.reason : 'no app cost in the result'})`,
    )
  } else if (app?.measured === true) {
    notes.push(
      'the app’s CPU per request is not compared: the baseline did not measure it (record it again with -u to gate on it)',
    )
  }
  const endpoints: Record<string, EndpointComparison> = {}
  for (const [name, stored] of Object.entries(baseline.endpoints ?? {})) {
    const measured = getOwn(result.endpoints, name)
    if (measured === undefined || measured.totalRequests === 0) continue
    if (stored.samples === undefined || measured.timeline.length === 0) {
      setOwn(endpoints, name, {
        p95: judgeByPoint('p95', stored.p95, measured.responseTimes.p95, tolerances.p95, limits.floorMs),
      })
      continue
    }
    const endpointWindows = windowsOf(result, measured.timeline)
    setOwn(endpoints, name, {
      p95: judgeByWindows({
        metric: 'p95',
        baseline: stored.p95,
        actual: measured.responseTimes.p95,
        stored: stored.samples.p95,
        windows: endpointWindows.p95,
        tolerancePercent: effectiveTolerancePercent(stored.p95, tolerances.p95, limits.floorMs),
      }),
      rps: judgeByWindows({
        metric: 'rps',
        baseline: stored.rps,
        actual: measured.rps,
        stored: stored.samples.rps,
        windows: endpointWindows.rps,
        tolerancePercent: effectiveTolerancePercent(stored.rps, tolerances.rps, limits.floorRps),
      }),
    })
  }
  if (Object.keys(endpoints).length > 0) comparison.endpoints = endpoints
  return withVerdict(comparison)
}

function judgePoints(
  baseline: BaselineEntry,
  result: LoadTestResult,
  tolerances: BaselineTolerances,
  limits: ComparisonLimits,
): BaselineComparison {
  const why =
    baseline.samples === undefined
      ? 'the entry has no windows (it was recorded before perfspec kept them, or from a run without a per-second timeline: ab, k6)'
      : `this run has no per-second timeline (${result.tool})`
  const comparison: Omit<BaselineComparison, 'verdict' | 'regressed'> = {
    method: 'point',
    p95: judgeByPoint('p95', baseline.p95, result.metrics.responseTimes.p95, tolerances.p95, limits.floorMs),
    rps: judgeByPoint('rps', baseline.rps, result.metrics.rps, tolerances.rps, limits.floorRps),
    notes: [
      `judged one number against one number, as before: ${why}. Record the baseline again with -u from a ` +
        'native or Locust run to judge it with confidence intervals (and the app’s CPU per request)',
    ],
  }
  const endpoints: Record<string, EndpointComparison> = {}
  for (const [name, stored] of Object.entries(baseline.endpoints ?? {})) {
    const measured = getOwn(result.endpoints, name)
    if (measured === undefined || measured.totalRequests === 0) continue
    setOwn(endpoints, name, {
      p95: judgeByPoint('p95', stored.p95, measured.responseTimes.p95, tolerances.p95, limits.floorMs),
    })
  }
  if (Object.keys(endpoints).length > 0) comparison.endpoints = endpoints
  return withVerdict(comparison)
}

/** Reasons the comparison may mislead even on the same machine. */
export function describeShapeDifferences(baseline: BaselineEntry, result: LoadTestResult): string[] {
  const differences: string[] = []
  if (baseline.users !== result.options.users) {
    differences.push(`baseline ran ${baseline.users} users, this run ${result.options.users}`)
  }
  if (baseline.tool !== result.tool)
    differences.push(`baseline used ${baseline.tool}, this run ${result.tool}`)
  return differences
}
