import { constants } from 'node:fs'
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import type { LoadShape } from '../options/shape.ts'
import { fail } from '../options/validate.ts'
import { deadlineGraceMs } from './spawn.ts'

const MAX_DEADLINE_MS = 24 * 3_600_000

/** Runs `task` with a fresh private directory for a tool's input and output files, removed afterwards. */
export async function withRunDir<T>(prefix: string, task: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), `perfspec-${prefix}-`))
  try {
    return await task(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * When a tool must have finished: the run's duration (or, for a run bounded by `requests`, the worst case of
 * every request timing out) plus ramp-up and a grace period for start-up and writing results
 * (30 s, or `PERFSPEC_TOOL_GRACE`).
 */
export function deadlineFor(shape: LoadShape, timeoutMs: number): number {
  const runMs =
    shape.durationMs === undefined ? Math.ceil(shape.requests / shape.users) * timeoutMs : shape.durationMs
  return Math.min(MAX_DEADLINE_MS, runMs + shape.rampUpMs + deadlineGraceMs())
}

/** The result of a run that was aborted before the tool wrote anything readable. */
export function emptyAbortedRun(warnings: string[]): AdapterRun {
  const collector = new MetricsCollector({ timeline: false })
  collector.start()
  collector.stop()
  return { metrics: collector.getMetrics(), timeline: [], aborted: true, warnings }
}

/**
 * A tool run that made no request is never a success: it gets a failed verdict (a tool that hung, a server
 * that never answered, a stop before the first request) instead of an empty, passing result.
 */
export function requireSomeRequests(tool: string, run: AdapterRun): AdapterRun {
  if (run.metrics.totalRequests > 0) return run
  const verdict = { expression: `${tool} completed at least one request`, actual: 0, passed: false }
  return { ...run, toolThresholds: [...(run.toolThresholds ?? []), verdict] }
}

/** Whole seconds for tools whose CLI takes no fractions; undefined when `ms` is not a whole number of seconds. */
export function wholeSeconds(ms: number): number | undefined {
  return ms > 0 && Number.isInteger(ms / 1000) ? ms / 1000 : undefined
}

/** The absolute path of a user's `script` or `locustfile`, or InvalidOptionError naming the option. */
export async function resolveUserFile(option: 'script' | 'locustfile', file: string): Promise<string> {
  const resolved = path.resolve(file)
  try {
    await access(resolved, constants.R_OK)
  } catch {
    fail(option, 'a file that can be read', resolved)
  }
  return resolved
}

/** Writes a generated script (fixed code) and the JSON data it reads; returns the script's path. */
export async function writeGeneratedScript(
  dir: string,
  script: { name: string; code: string },
  data: { file: string; value: unknown },
): Promise<string> {
  await writeFile(data.file, JSON.stringify(data.value))
  const file = path.join(dir, script.name)
  await writeFile(file, script.code)
  return file
}
