import type { AdapterRun } from '../adapters/adapter.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import { coordinatedOmissionWarning } from '../metrics/coordinated-omission.ts'
import { RunMonitors } from '../monitor/run-monitors.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import { startProgress } from '../progress.ts'
import { RequestTimeoutError } from './classify-error.ts'
import { ClosedModelExecutor } from './closed-model.ts'
import { isOpenModel, OpenModelExecutor } from './open-model.ts'
import type { RunState } from './run-state.ts'

function buildState(options: ResolvedLoadOptions, collector: MetricsCollector): RunState {
  const { url } = options
  return {
    collector,
    origin: url.origin,
    request: {
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.headers,
      body: options.body ?? null,
    },
    timeoutMs: options.timeoutMs,
    expectStatus: options.expectStatus,
    check: options.check,
    now: performance.now.bind(performance),
    aborted: false,
  }
}

/** Runs the native undici engine for one load test. */
export async function runNativeEngine(options: ResolvedLoadOptions): Promise<AdapterRun> {
  const openModel = isOpenModel(options)
  const collector = new MetricsCollector({ serviceTimes: openModel })
  const state = buildState(options, collector)
  const executor = openModel ? new OpenModelExecutor(state, options) : new ClosedModelExecutor(state, options)
  const monitors = new RunMonitors(options.monitorPid)
  const { signal } = options
  if (signal?.aborted) {
    collector.start()
    collector.stop()
    return { metrics: collector.getMetrics(), timeline: collector.getTimeline(), aborted: true, warnings: [] }
  }

  const abort = (): void => {
    state.aborted = true
    executor.stop()
    const reason = new Error('load test aborted')
    for (const user of executor.users) {
      user.abort(reason)
      void user.client.destroy(reason).catch(() => {})
    }
  }
  signal?.addEventListener('abort', abort, { once: true })

  // One sweep for all users instead of a timer per request.
  const sweepEveryMs = Math.min(250, Math.max(10, options.timeoutMs / 10))
  const sweep = setInterval(() => {
    const now = state.now()
    for (const user of executor.users) {
      if (user.inFlight && now - user.sentAt > options.timeoutMs)
        user.abort(new RequestTimeoutError(options.timeoutMs))
    }
  }, sweepEveryMs)
  const durationTimer =
    options.durationMs === undefined ? undefined : setTimeout(() => executor.stop(), options.durationMs)

  collector.start()
  monitors.start()
  const stopProgress = startProgress(options, () => collector.getMetrics())
  try {
    executor.start()
    await executor.done
  } finally {
    collector.stop()
    stopProgress()
    clearInterval(sweep)
    if (durationTimer !== undefined) clearTimeout(durationTimer)
    signal?.removeEventListener('abort', abort)
    await Promise.all(executor.users.map((user) => user.client.close().catch(() => {})))
  }
  const run: AdapterRun = {
    metrics: collector.getMetrics(),
    timeline: collector.getTimeline(),
    aborted: state.aborted,
    warnings: [],
  }
  monitors.stop(run)
  if (executor instanceof OpenModelExecutor) {
    run.droppedIterations = executor.dropped
    run.serviceTimes = collector.getServiceTimes()!
    if (executor.dropped > 0) run.warnings.push(droppedWarning(executor.dropped, executor.scheduled, options))
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
