import type {
  BaselineSamples,
  LoadTestResult,
  LogSummary,
  TimelinePoint,
} from '../../foundation/model/index.ts'
import { round } from '../../foundation/util/format.ts'
import { summarizeLogSamples } from '../../metrics/change-interval.ts'
import { plannedRunMs, type SteadyWindows, steadyWindows } from '../../metrics/steady-windows.ts'

// Six decimals of a log are a millionth of the value: far below any noise, and a file that diffs quietly.
const LOG_DECIMALS = 6

/**
 * The windows of a run (or of one endpoint's timeline): its full steady-state seconds with requests. An
 * endpoint's seconds carry no phase of their own: they take the run's second's.
 */
export function windowsOf(
  result: LoadTestResult,
  timeline: readonly TimelinePoint[] = result.timeline,
): SteadyWindows {
  const runMs = plannedRunMs(result.options)
  if (timeline === result.timeline) return steadyWindows(timeline, runMs)
  const phases = new Map(result.timeline.map((point) => [point.second, point.phase]))
  const phased = timeline.map((point) => {
    const phase = point.phase ?? phases.get(point.second)
    return phase === undefined ? point : { ...point, phase }
  })
  return steadyWindows(phased, runMs)
}

/** A log summary for a baseline file; windows are positive by construction, so there always is one. */
export function summarizeWindows(values: readonly number[]): LogSummary {
  const summary = summarizeLogSamples(values)
  if ('state' in summary) return { meanLog: 0, sdLog: 0, count: 0 }
  return {
    meanLog: round(summary.meanLog, LOG_DECIMALS),
    sdLog: round(summary.sdLog, LOG_DECIMALS),
    count: summary.count,
  }
}

/**
 * What a baseline entry keeps of a run's windows: a log summary per metric (the app's CPU per request only
 * when the run measured it). Undefined for a run without a per-second timeline (ab, k6).
 */
export function toBaselineSamples(result: LoadTestResult): BaselineSamples | undefined {
  if (result.timeline.length === 0) return undefined
  const windows = windowsOf(result)
  const samples: BaselineSamples = {
    windows: windows.count,
    p95: summarizeWindows(windows.p95),
    rps: summarizeWindows(windows.rps),
  }
  if (result.app?.measured === true && windows.cpuPerRequest.length > 0) {
    samples.cpuPerRequest = summarizeWindows(windows.cpuPerRequest)
  }
  return samples
}

/** The same for one endpoint of a journey run; undefined when its timeline is empty. */
export function toEndpointSamples(
  result: LoadTestResult,
  timeline: readonly TimelinePoint[],
): Omit<BaselineSamples, 'cpuPerRequest'> | undefined {
  if (timeline.length === 0) return undefined
  const windows = windowsOf(result, timeline)
  return { windows: windows.count, p95: summarizeWindows(windows.p95), rps: summarizeWindows(windows.rps) }
}
