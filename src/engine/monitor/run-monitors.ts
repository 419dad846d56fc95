import type { GeneratorThread } from '../../foundation/model/index.ts'
import type { AdapterRun } from '../../metrics/adapter-run.ts'
import { AppCostMonitor, testThreadProbe } from './app-cost.ts'
import { threadCpuClock } from './cpu-clock.ts'
import { GeneratorMonitor, saturationWarning } from './generator.ts'
import { openProcessProbe } from './process.ts'
import { portOf, servedByThisProcess, serverOnThisThread } from './served-here.ts'

/** What the monitors of one run need to know, read from its options in one place (run-native.ts). */
export interface RunMonitorsOptions {
  /** `monitor: { pid }`: the app under test runs in this local process. */
  pid: number | undefined
  /** The target: an app listening on its port in this process is the test thread's. */
  url: URL
  /** Where the generator runs: in the test's own thread it cannot be told from an app there. */
  generatorThread: GeneratorThread
  /** When the steady state begins (ms after the start): the app's cost counts from there. */
  steadyFromMs: number
}

/** The app's monitor, or why there is none (and, for a `monitor` that cannot be honoured, a warning). */
type AppWatch = { monitor: AppCostMonitor } | { reason: string; warning?: string }

/**
 * Where the app under test runs, so its cost can be measured: the `monitor.pid` process, or the test's own
 * thread when this process serves the target and the generator has a thread of its own. Every reason the
 * app's cost goes unmeasured is written here.
 */
function watchApp(options: RunMonitorsOptions): AppWatch {
  const { pid, steadyFromMs } = options
  if (pid !== undefined) {
    const opened = openProcessProbe(pid)
    if ('unavailable' in opened) return { reason: opened.unavailable, warning: opened.unavailable }
    return { monitor: new AppCostMonitor('pid', opened.probe, steadyFromMs) }
  }
  if (options.generatorThread === 'main') {
    return {
      reason:
        'the load generator ran in the test’s own thread (`workers: 0`, or a function option such as `check`): ' +
        'an app there shares it, and its CPU cannot be told from the generator’s',
    }
  }
  const served = servedByThisProcess(options.url)
  if (served === undefined) {
    return {
      reason: `an app in the test’s process is measured on Linux (/proc), not on ${process.platform}`,
    }
  }
  const port = portOf(options.url)
  if (!served) {
    return {
      reason:
        `nothing in the test’s process listens on port ${port}: for an app in another local process, ` +
        'pass `monitor: { pid }`',
    }
  }
  if (!serverOnThisThread()) {
    return {
      reason:
        `the test’s process listens on port ${port}, but not from the test’s thread (from a worker thread, or ` +
        'an unref’d server): start the app in the test’s thread, or in a child process with `monitor: { pid }`',
    }
  }
  const clock = threadCpuClock()
  if ('unavailable' in clock) return { reason: clock.unavailable }
  return { monitor: new AppCostMonitor('test-thread', testThreadProbe(clock.clock), steadyFromMs) }
}

/**
 * What the native engine watches besides the target's responses: the generator itself, and the app under
 * test (in the test's own thread, or with `monitor: { pid }` in a local process). Built before the run so a
 * bad pid throws before any request.
 */
export class RunMonitors {
  private readonly generator: GeneratorMonitor
  private readonly app: AppWatch
  private readonly pid: number | undefined

  constructor(options: RunMonitorsOptions) {
    this.pid = options.pid
    // With worker threads, the event loop of this thread is the app's (watched below), not the generator's.
    this.generator = new GeneratorMonitor({ eventLoop: options.generatorThread === 'main' })
    this.app = watchApp(options)
  }

  start(): void {
    this.generator.start()
    if ('monitor' in this.app) this.app.monitor.start()
  }

  /** The load is over: the app's window ends before this thread merges what the generator measured. */
  loadEnded(): void {
    if ('monitor' in this.app) this.app.monitor.stop()
  }

  /** Stops watching and writes what was seen into the run: generator health, the app's cost, warnings. */
  stop(
    run: AdapterRun,
    { busyWaits = false, warn = true }: { busyWaits?: boolean; warn?: boolean } = {},
  ): void {
    const health = this.generator.stop({ busyWaits })
    run.generator = health
    if (health.saturated && warn) run.warnings.push(saturationWarning(health))
    if (!('monitor' in this.app)) {
      run.app = { measured: false, reason: this.app.reason }
      if (this.app.warning !== undefined) run.warnings.push(this.app.warning)
      return
    }
    const { monitor } = this.app
    run.app = monitor.result(run.metrics.totalRequests, run.timeline)
    if (monitor.lost) run.warnings.push(`The monitored process ${this.pid} exited during the run.`)
  }
}
