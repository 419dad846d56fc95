import type { AdapterRun } from '../adapters/adapter.ts'
import { InvalidOptionError } from '../errors.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import { coordinatedOmissionWarning } from '../metrics/coordinated-omission.ts'
import { RunMonitors } from '../monitor/run-monitors.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import { startProgress } from '../progress.ts'
import type { TimelinePoint } from '../types.ts'
import { EngineRun } from './engine-run.ts'
import { isOpenModel, OpenModelExecutor } from './open-model.ts'

/** A finished run of the native engine. */
interface FinishedRun {
  collector: MetricsCollector
  timeline: TimelinePoint[]
  aborted: boolean
  /** Open model: requests dropped at the `maxUsers` cap, and requests due. */
  open: { dropped: number; scheduled: number } | undefined
}

/** Options the native engine can't honour as given: thrown before any request is sent. */
function checkNativeOptions(options: ResolvedLoadOptions): void {
  const openModel = isOpenModel(options)
  if (options.pipelining > 1 && openModel) {
    throw new InvalidOptionError(
      'pipelining',
      'Expected no `pipelining` with an arrival rate (`rate`, `stages`): the open model sends each request ' +
        'when it is due, on an idle connection',
    )
  }
}

/** Runs the native engine for one load test. */
export async function runNativeEngine(options: ResolvedLoadOptions): Promise<AdapterRun> {
  checkNativeOptions(options)
  const monitors = new RunMonitors(options.monitorPid)
  if (options.signal?.aborted) {
    const collector = new MetricsCollector()
    collector.start()
    collector.stop()
    return { metrics: collector.getMetrics(), timeline: collector.getTimeline(), aborted: true, warnings: [] }
  }
  return toAdapterRun(await runInThisThread(options, monitors), monitors, options)
}

async function runInThisThread(options: ResolvedLoadOptions, monitors: RunMonitors): Promise<FinishedRun> {
  const engine = new EngineRun(options)
  const { signal } = options
  const abort = (): void => engine.abort()
  signal?.addEventListener('abort', abort, { once: true })
  monitors.start()
  const stopProgress = startProgress(options, () => engine.collector.getMetrics())
  try {
    await engine.run()
  } finally {
    stopProgress()
    signal?.removeEventListener('abort', abort)
  }
  const { executor, collector } = engine
  return {
    collector,
    timeline: collector.getTimeline(),
    aborted: engine.aborted,
    open:
      executor instanceof OpenModelExecutor
        ? { dropped: executor.dropped, scheduled: executor.scheduled }
        : undefined,
  }
}

function toAdapterRun(
  finished: FinishedRun,
  monitors: RunMonitors,
  options: ResolvedLoadOptions,
): AdapterRun {
  const { collector, open } = finished
  const run: AdapterRun = {
    metrics: collector.getMetrics(),
    timeline: finished.timeline,
    aborted: finished.aborted,
    warnings: [],
  }
  monitors.stop(run)
  if (open !== undefined) {
    run.droppedIterations = open.dropped
    run.serviceTimes = collector.getServiceTimes()!
    if (open.dropped > 0) run.warnings.push(droppedWarning(open.dropped, open.scheduled, options))
  } else {
    const warning = coordinatedOmissionWarning(collector.getHistogram())
    if (warning !== undefined) run.warnings.push(warning)
  }
  return run
}

function droppedWarning(dropped: number, scheduled: number, options: ResolvedLoadOptions): string {
  const percent = Math.round((dropped / scheduled) * 1000) / 10
  return (
    `${dropped} of ${scheduled} requests (${percent}%) were dropped: they were due while all ` +
    `${options.maxUsers} users (\`maxUsers\`) were busy. At this concurrency the server did not keep up with ` +
    'the arrival rate: raise `maxUsers`, or lower the rate.'
  )
}
