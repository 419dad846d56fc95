import { existsSync, readFileSync } from 'node:fs'
import { InvalidOptionError } from '../../foundation/errors.ts'
import type { AppProbe } from './app-sampler.ts'
import { processCpuClock } from './cpu-clock.ts'

/** Resident memory from /proc/<pid>/status (VmRSS), in bytes. Pure. */
export function parseRssBytes(status: string): number {
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0) * 1024
}

function readRssBytes(pid: number): number | undefined {
  try {
    return parseRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * A probe of a local process (Linux /proc): the CPU time of all its threads, its resident memory. Throws an
 * InvalidOptionError when no such process exists; returns `{ unavailable }` (the reason) where there is no
 * /proc to read.
 */
export function openProcessProbe(pid: number): { probe: AppProbe } | { unavailable: string } {
  if (!existsSync('/proc/self/stat')) {
    return {
      unavailable: `\`monitor\` needs Linux /proc; process ${pid} was not sampled on ${process.platform}`,
    }
  }
  if (readRssBytes(pid) === undefined) {
    throw new InvalidOptionError(
      'monitor.pid',
      `Expected the \`monitor.pid\` option to name a running process, got \`${pid}\` (no /proc/${pid})`,
    )
  }
  const cpuNs = processCpuClock(pid)
  return {
    probe: () => {
      const cpu = cpuNs()
      const rssBytes = readRssBytes(pid)
      return cpu === undefined || rssBytes === undefined ? undefined : { cpuNs: cpu, rssBytes }
    },
  }
}
