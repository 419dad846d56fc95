import { InvalidOptionError } from '../errors.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import { coordinatedOmissionWarning } from '../metrics/coordinated-omission.ts'
import type { GeneratorHealth } from '../model/index.ts'
import { saturationWarning } from '../monitor/generator.ts'
import { RunMonitors } from '../monitor/run-monitors.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import { EngineRun } from './engine-run.ts'
import { isOpenModel, OpenModelExecutor } from './open-model.ts'
import { startProgress } from './progress.ts'
import { type FinishedRun, runInWorkers } from './run-workers.ts'
import { refusedWarning } from './transports/backoff.ts'

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
  const workers = options.workers ?? 1
  if (workers === 1) return
  if (options.check !== undefined) {
    throw new InvalidOptionError(
      'check',
      'A `check` function cannot run in worker threads: use `workers: 1` (the default) to check responses',
    )
  }
  const users = openModel ? options.maxUsers : options.users
  if (workers > users) {
    throw new InvalidOptionError(
      'workers',
      `Expected the \`workers\` option to be at most the number of users (${users}): each worker thread runs at least one`,
    )
  }
}

/** Runs the native engine for one load test: in this thread, or in `workers` worker threads. */
export async function runNativeEngine(options: ResolvedLoadOptions): Promise<AdapterRun> {
  checkNativeOptions(options)
  const monitors = new RunMonitors(options.monitorPid)
  if (options.signal?.aborted) {
    const collector = new MetricsCollector()
    collector.start()
    collector.stop()
    return { metrics: collector.getMetrics(), timeline: collector.getTimeline(), aborted: true, warnings: [] }
  }
  const finished =
    (options.workers ?? 1) > 1
      ? await runInWorkers(options, monitors)
      : await runInThisThread(options, monitors)
  return toAdapterRun(finished, monitors, options)
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
  if (finished.workerHealth !== undefined && run.generator !== undefined) {
    const health = withWorkers(run.generator, finished.workerHealth)
    if (health.saturated && !run.generator.saturated) run.warnings.push(saturationWarning(health))
    run.generator = health
  }
  if (open !== undefined) {
    run.droppedIterations = open.dropped
    run.serviceTimes = collector.getServiceTimes()!
    if (open.dropped > 0) run.warnings.push(droppedWarning(open.dropped, open.scheduled, options))
  } else {
    const warning = coordinatedOmissionWarning(collector.getHistogram())
    if (warning !== undefined) run.warnings.push(warning)
  }
  const refused = refusedWarning(run.metrics)
  if (refused !== undefined) run.warnings.push(refused)
  return run
}

/** The generator's health with worker threads: the busiest thread's event loop, the whole process's CPU. */
function withWorkers(main: GeneratorHealth, workers: GeneratorHealth[]): GeneratorHealth {
  return {
    saturated: main.saturated || workers.some((health) => health.saturated),
    eventLoopLagP99Ms: Math.max(main.eventLoopLagP99Ms, ...workers.map((health) => health.eventLoopLagP99Ms)),
    eventLoopUtilization: Math.max(
      main.eventLoopUtilization,
      ...workers.map((health) => health.eventLoopUtilization),
    ),
    cpuPercent: main.cpuPercent,
  }
}

function droppedWarning(dropped: number, scheduled: number, options: ResolvedLoadOptions): string {
  const percent = Math.round((dropped / scheduled) * 1000) / 10
  return (
    `${dropped} of ${scheduled} requests (${percent}%) were dropped: they were due while all ` +
    `${options.maxUsers} users (\`maxUsers\`) were busy. At this concurrency the server did not keep up with ` +
    'the arrival rate: raise `maxUsers`, or lower the rate.'
  )
}
