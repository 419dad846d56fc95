import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** Clock ticks per second in /proc stat files (USER_HZ: 100 on every Linux architecture Node runs on). */
const CLOCK_TICKS_PER_SECOND = 100
const NS_PER_TICK = 1e9 / CLOCK_TICKS_PER_SECOND

/** CPU time used so far, in ns; undefined once it can no longer be read (the process exited). */
export type CpuClock = () => number | undefined

/** The first field of a /proc schedstat file: time spent on a CPU, in ns. Pure. */
export function parseSchedstat(schedstat: string): number {
  return Number(schedstat.slice(0, schedstat.indexOf(' ')))
}

/** utime + stime of a /proc stat file, in ns (counted in 10 ms ticks). Pure. */
export function parseStatCpuNs(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * NS_PER_TICK
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** `process.threadCpuUsage` (Node ≥ 23.9): the calling thread's CPU time in µs. */
function nodeThreadCpuUsage(): (() => NodeJS.CpuUsage) | undefined {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage
  return typeof usage === 'function' ? usage.bind(process) : undefined
}

/**
 * The CPU clock of the thread that calls this (Linux: `/proc/thread-self` names it), read by any thread:
 * its schedstat (ns), else Node's `process.threadCpuUsage` (µs; it must then be read on this thread), else
 * its stat (10 ms ticks). `unavailable` says why there is none.
 */
export function threadCpuClock(): { clock: CpuClock } | { unavailable: string } {
  let task: string | undefined
  try {
    task = `/proc/${readlinkSync('/proc/thread-self')}`
  } catch {
    task = undefined
  }
  if (task !== undefined && readOrUndefined(`${task}/schedstat`) !== undefined) {
    const file = `${task}/schedstat`
    return { clock: () => mapDefined(readOrUndefined(file), parseSchedstat) }
  }
  const usage = nodeThreadCpuUsage()
  if (usage !== undefined) {
    return {
      clock: () => {
        const { user, system } = usage()
        return (user + system) * 1000
      },
    }
  }
  if (task !== undefined && readOrUndefined(`${task}/stat`) !== undefined) {
    const file = `${task}/stat`
    return { clock: () => mapDefined(readOrUndefined(file), parseStatCpuNs) }
  }
  return {
    unavailable:
      `the test thread's CPU time needs Linux /proc or Node's process.threadCpuUsage (Node ≥ 23.9); ` +
      `neither is there on ${process.platform}, Node ${process.version}`,
  }
}

/**
 * The CPU clock of a whole local process: the schedstat (ns) of each of its threads, summed as deltas per
 * thread so a thread that ends takes only its last moments with it, never what it counted before. Without
 * schedstat files, the process's stat (10 ms ticks).
 */
export function processCpuClock(pid: number): CpuClock {
  const tasks = `/proc/${pid}/task`
  if (readOrUndefined(`${tasks}/${pid}/schedstat`) === undefined) {
    return () => mapDefined(readOrUndefined(`/proc/${pid}/stat`), parseStatCpuNs)
  }
  const lastNs = new Map<string, number>()
  let totalNs = 0
  return () => {
    let ids: string[]
    try {
      ids = readdirSync(tasks)
    } catch {
      return undefined
    }
    const seen = new Set<string>()
    for (const id of ids) {
      const text = readOrUndefined(`${tasks}/${id}/schedstat`)
      // A thread that ended between the listing and the read: its last moments are lost.
      if (text === undefined) continue
      const ns = parseSchedstat(text)
      const before = lastNs.get(id) ?? 0
      // A thread id used again by a new thread reads less than the old one did: all of it is new.
      totalNs += ns >= before ? ns - before : ns
      lastNs.set(id, ns)
      seen.add(id)
    }
    for (const id of lastNs.keys()) if (!seen.has(id)) lastNs.delete(id)
    return totalNs
  }
}

function mapDefined<T>(value: string | undefined, map: (text: string) => T): T | undefined {
  return value === undefined ? undefined : map(value)
}
