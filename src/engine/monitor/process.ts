import { existsSync, readFileSync } from 'node:fs'
import { InvalidOptionError } from '../../foundation/errors.ts'
import type { TimelinePoint } from '../../foundation/model/index.ts'

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on every Linux architecture Node runs on). */
const CLOCK_TICKS_PER_SECOND = 100
const SAMPLE_INTERVAL_MS = 1000

/** One reading of a process: CPU time used so far and resident memory. */
export interface ProcessReading {
  cpuSeconds: number
  rssBytes: number
}

/** One second of a monitored process. */
export interface ProcessSample {
  cpuPercent: number
  rssBytes: number
}

/** Parses /proc/<pid>/stat (utime + stime) and /proc/<pid>/status (VmRSS). Pure. */
export function parseProcFiles(stat: string, status: string): ProcessReading {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0)
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 }
}

function readProcess(pid: number): ProcessReading | undefined {
  try {
    return parseProcFiles(
      readFileSync(`/proc/${pid}/stat`, 'utf8'),
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )
  } catch {
    return undefined
  }
}

/**
 * Samples a local process's CPU and RSS once a second while a run goes on (Linux /proc). The samples line up
 * with the collector's timeline: sample `i` covers second `i`.
 */
export class ProcessMonitor {
  readonly samples: ProcessSample[] = []
  /** Set when the process could not be read mid-run (it exited). */
  lost = false
  private readonly pid: number
  private timer: NodeJS.Timeout | undefined
  private last: ProcessReading | undefined
  private lastAt = 0

  /**
   * Throws an InvalidOptionError when no such process exists; returns `{ unavailable }` (the reason) where
   * there is no /proc to read.
   */
  static open(pid: number): { monitor: ProcessMonitor } | { unavailable: string } {
    if (!existsSync('/proc/self/stat')) {
      return {
        unavailable: `\`monitor\` needs Linux /proc; process ${pid} was not sampled on ${process.platform}`,
      }
    }
    if (readProcess(pid) === undefined) {
      throw new InvalidOptionError(
        'monitor.pid',
        `Expected the \`monitor.pid\` option to name a running process, got \`${pid}\` (no /proc/${pid})`,
      )
    }
    return { monitor: new ProcessMonitor(pid) }
  }

  private constructor(pid: number) {
    this.pid = pid
  }

  start(): void {
    this.last = readProcess(this.pid)
    this.lastAt = performance.now()
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS)
    this.timer.unref()
  }

  /** Stops sampling; a last partial second is sampled when it is long enough to mean something. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    if (performance.now() - this.lastAt >= SAMPLE_INTERVAL_MS / 10) this.sample()
  }

  private sample(): void {
    if (this.lost || this.last === undefined) return
    const reading = readProcess(this.pid)
    const now = performance.now()
    if (reading === undefined) {
      this.lost = true
      return
    }
    const elapsedSeconds = (now - this.lastAt) / 1000
    const cpuPercent =
      elapsedSeconds > 0 ? ((reading.cpuSeconds - this.last.cpuSeconds) / elapsedSeconds) * 100 : 0
    this.samples.push({ cpuPercent: Math.round(cpuPercent * 10) / 10, rssBytes: reading.rssBytes })
    this.last = reading
    this.lastAt = now
  }
}

/** Copies samples into the timeline points of the same second. */
export function mergeIntoTimeline(timeline: TimelinePoint[], samples: readonly ProcessSample[]): void {
  const count = Math.min(timeline.length, samples.length)
  for (let index = 0; index < count; index++) {
    const point = timeline[index]!
    const sample = samples[index]!
    point.targetCpuPercent = sample.cpuPercent
    point.targetRssBytes = sample.rssBytes
  }
}
