import type { GeneratorHealth } from '../foundation/model/index.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import { coordinatedOmissionWarning } from '../metrics/coordinated-omission.ts'
import type { LoadShape } from '../options/shape.ts'
import type { NativeEngineOptions } from './engine-options.ts'
import { EngineRun } from './engine-run.ts'
import { type GeneratorPlacement, placeGenerator } from './generator-thread.ts'
import { checkSetupValueClones } from './journey/journey-checks.ts'
import { JourneyStats } from './journey/journey-stats.ts'
import { withModuleImported } from './journey/module-iteration.ts'
import { withSetupAndTeardown } from './journey/setup-teardown.ts'
import { saturationWarning } from './monitor/generator.ts'
import { latenessStats, latenessWarning } from './monitor/lateness.ts'
import { RunMonitors } from './monitor/run-monitors.ts'
import { OpenModelExecutor } from './open-model.ts'
import { startProgress } from './progress.ts'
import { planRun } from './run-phases.ts'
import { WHOLE_RUN } from './run-state.ts'
import { type FinishedRun, runInWorkers } from './run-workers.ts'
import { refusedWarning } from './transports/backoff.ts'

/** Runs the native engine for one load test: in this thread, or in `workers` worker threads. */
export async function runNativeEngine(given: NativeEngineOptions): Promise<AdapterRun> {
  if (given.signal?.aborted) return abortedBeforeLoad(given, [])
  if (given.journey === undefined) return runLoad(given, undefined)
  // A module iteration is imported here first: one that cannot run is refused before setup and any load.
  const journey = await withModuleImported(given.journey)
  const options = { ...given, journey }
  return withSetupAndTeardown(journey, options.signal, {
    task: (setup) => runLoad(options, setup),
    aborted: (warning) => abortedBeforeLoad(options, [warning]),
  })
}

/** The run of a run aborted before its load: empty, `aborted`. */
function abortedBeforeLoad(options: NativeEngineOptions, warnings: string[]): AdapterRun {
  const collector = new MetricsCollector()
  collector.start()
  collector.stop()
  const run: AdapterRun = {
    metrics: collector.getMetrics(),
    timeline: collector.getTimeline(),
    aborted: true,
    warnings,
  }
  if (options.journey !== undefined) {
    // Every endpoint and scenario is there, empty: tagged thresholds and matchers find what they name.
    const stats = new JourneyStats(options.journey)
    stats.start()
    stats.stop()
    run.endpoints = stats.endpointMetrics()
    run.scenarios = stats.scenarioMetrics()
  }
  return run
}

/** Sends the load (a journey's with setup's value). */
async function runLoad(options: NativeEngineOptions, setup: unknown): Promise<AdapterRun> {
  const placement = placeGenerator(options)
  const monitors = new RunMonitors({
    pid: options.native.monitorPid,
    url: options.request.url,
    generatorThread: placement.thread,
    steadyFromMs: planRun(options.shape).phases.steadyFromMs,
  })
  if (placement.thread === 'worker' && options.journey !== undefined) checkSetupValueClones(setup)
  let finished: FinishedRun
  try {
    finished =
      placement.thread === 'worker'
        ? await runInWorkers(options, placement.workers, monitors, setup)
        : await runInThisThread(options, monitors, setup)
  } finally {
    // The monitors' timers stop even when the run throws.
    monitors.loadEnded()
  }
  return toAdapterRun(finished, monitors, options.shape, placement)
}

async function runInThisThread(
  options: NativeEngineOptions,
  monitors: RunMonitors,
  setup: unknown,
): Promise<FinishedRun> {
  const engine = await EngineRun.create(options, WHOLE_RUN, {}, { setup, inWorker: false })
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
    journey: engine.journey?.stats,
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
  shape: LoadShape,
  placement: GeneratorPlacement,
): AdapterRun {
  const { collector, open } = finished
  const run: AdapterRun = {
    metrics: collector.getMetrics(),
    timeline: finished.timeline,
    aborted: finished.aborted,
    warnings: [],
  }
  // The open model waits out the last stretch before each send on a busy loop (its event loop is never
  // idle): its saturation is judged by its lag and lateness, not by how busy the loop was.
  const busyWaits = open !== undefined
  // With worker threads the calling thread only waits: its health is folded into theirs below.
  monitors.stop(run, { busyWaits, warn: finished.workerHealth === undefined })
  if (finished.journey !== undefined) {
    run.endpoints = finished.journey.endpointMetrics(finished.endpointTimelines)
    run.scenarios = finished.journey.scenarioMetrics()
    const groups = finished.journey.groupMetrics()
    if (groups !== undefined) run.groups = groups
    const custom = finished.journey.custom.results(run.metrics.durationMs)
    if (custom !== undefined) run.metrics.custom = custom
  }
  if (finished.workerHealth !== undefined && run.generator !== undefined) {
    run.generator = withWorkers(run.generator, finished.workerHealth)
    if (run.generator.saturated) run.warnings.push(saturationWarning(run.generator))
  }
  if (run.generator !== undefined) {
    run.generator.thread = placement.thread
    const lateness = collector.getLateness()
    if (lateness !== undefined && lateness.totalCount > 0) {
      run.generator.latenessMs = latenessStats(lateness)
      const warning = latenessWarning(
        run.generator.latenessMs,
        run.metrics.responseTimes.p50,
        lateness.totalCount,
      )
      if (warning !== undefined) {
        run.warnings.push(warning.message)
        if (warning.saturated) run.generator.saturated = true
      }
    }
  }
  if (placement.warning !== undefined) run.warnings.push(placement.warning)
  const plan = planRun(shape)
  if (plan.warning !== undefined) run.warnings.push(plan.warning)
  if (open !== undefined) {
    run.droppedIterations = open.dropped
    run.serviceTimes = collector.getServiceTimes()!
    if (open.dropped > 0) run.warnings.push(droppedWarning(open.dropped, open.scheduled, shape.maxUsers))
  } else {
    const warning = coordinatedOmissionWarning(collector.getHistogram())
    if (warning !== undefined) run.warnings.push(warning)
  }
  const refused = refusedWarning(run.metrics)
  if (refused !== undefined) run.warnings.push(refused)
  return run
}

/**
 * The generator's health with worker threads: the busiest thread's event loop, the whole process's CPU.
 * The calling thread only waits for them; whatever else runs there (an app under test) is not the generator.
 */
function withWorkers(main: GeneratorHealth, workers: GeneratorHealth[]): GeneratorHealth {
  return {
    saturated: workers.some((health) => health.saturated),
    eventLoopLagP99Ms: Math.max(...workers.map((health) => health.eventLoopLagP99Ms)),
    eventLoopUtilization: Math.max(...workers.map((health) => health.eventLoopUtilization)),
    cpuPercent: main.cpuPercent,
  }
}

function droppedWarning(dropped: number, scheduled: number, maxUsers: number): string {
  const percent = Math.round((dropped / scheduled) * 1000) / 10
  return (
    `${dropped} of ${scheduled} requests (${percent}%) were dropped: they were due while all ` +
    `${maxUsers} users (\`maxUsers\`) were busy. At this concurrency the server did not keep up with ` +
    'the arrival rate: raise `maxUsers`, or lower the rate.'
  )
}
