import type { AdapterRun } from '../../metrics/adapter-run.ts'
import { GeneratorMonitor, saturationWarning } from './generator.ts'
import { mergeIntoTimeline, ProcessMonitor } from './process.ts'

/**
 * What the native engine watches besides the target's responses: the generator itself, and (with
 * `monitor: { pid }`) a local target process. Built before the run so a bad pid throws before any request.
 */
export class RunMonitors {
  private readonly generator = new GeneratorMonitor()
  private readonly target: ProcessMonitor | undefined
  private readonly unavailable: string | undefined
  private readonly pid: number | undefined

  constructor(monitorPid: number | undefined) {
    this.pid = monitorPid
    const opened = monitorPid === undefined ? undefined : ProcessMonitor.open(monitorPid)
    this.target = opened !== undefined && 'monitor' in opened ? opened.monitor : undefined
    this.unavailable = opened !== undefined && 'unavailable' in opened ? opened.unavailable : undefined
  }

  start(): void {
    this.generator.start()
    this.target?.start()
  }

  /** Stops watching and writes what was seen into the run: generator health, target samples, warnings. */
  stop(
    run: AdapterRun,
    { busyWaits = false, warn = true }: { busyWaits?: boolean; warn?: boolean } = {},
  ): void {
    const health = this.generator.stop({ busyWaits })
    run.generator = health
    if (health.saturated && warn) run.warnings.push(saturationWarning(health))
    if (this.unavailable !== undefined) run.warnings.push(this.unavailable)
    if (this.target === undefined) return
    this.target.stop()
    mergeIntoTimeline(run.timeline, this.target.samples)
    if (this.target.lost) run.warnings.push(`The monitored process ${this.pid} exited during the run.`)
  }
}
