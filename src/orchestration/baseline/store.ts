import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { BaselineError } from '../../foundation/errors.ts'
import type { BaselineEntry } from '../../foundation/model/index.ts'
import { writeFileAtomic } from '../../foundation/util/write-atomic.ts'

/** A `__perf__/<test file>.perf.json` file: one entry per test (and result) name. */
export interface BaselineFile {
  version: 1
  entries: Record<string, BaselineEntry>
}

/**
 * Where the baselines of a test file live: `__perf__/<file>.perf.json` beside it, or with `baselineDir`,
 * the test's path below `root` mirrored under that folder.
 */
export function baselinePath(testPath: string, where: { baselineDir?: string; root?: string } = {}): string {
  if (where.baselineDir === undefined) {
    return path.join(path.dirname(testPath), '__perf__', `${path.basename(testPath)}.perf.json`)
  }
  const relative = path.relative(where.root ?? process.cwd(), testPath)
  // A test outside the root keeps its file name only rather than escaping baselineDir with '..'.
  const inside = relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(testPath) : relative
  return path.join(where.baselineDir, `${inside}.perf.json`)
}

function corrupt(file: string, why: string, cause?: unknown): BaselineError {
  return new BaselineError(
    `Baseline file ${file} is corrupt (${why}). Fix or delete it; perfspec never overwrites it silently.`,
    cause === undefined ? undefined : { cause },
  )
}

function isNumberRecord(value: unknown, keys: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false
  return keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'number')
}

/** Parses a baseline file's text; throws a BaselineError naming the file when it is not one. */
export function parseBaselineFile(text: string, file: string): BaselineFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw corrupt(file, `not JSON: ${(error as Error).message}`, error)
  }
  if (typeof data !== 'object' || data === null || (data as BaselineFile).version !== 1) {
    throw corrupt(file, 'expected { "version": 1, "entries": { … } }')
  }
  const { entries } = data as BaselineFile
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw corrupt(file, '"entries" is not an object')
  }
  for (const [key, entry] of Object.entries(entries)) {
    if (!isNumberRecord(entry, ['p95', 'throughput'])) {
      throw corrupt(file, `entry "${key}" has no numeric p95 and throughput`)
    }
  }
  return data as BaselineFile
}

/** Reads a baseline file; undefined when there is none yet. */
export async function readBaselineFile(file: string): Promise<BaselineFile | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new BaselineError(`Cannot read baseline file ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return parseBaselineFile(text, file)
}

// Tests of one file run in one process; chaining the writes per file keeps concurrent tests from losing entries.
const writes = new Map<string, Promise<unknown>>()

/** Stores one entry (read, change, atomic write), keeping the file's other entries and sorting keys. */
export function saveBaselineEntry(file: string, key: string, entry: BaselineEntry): Promise<void> {
  const previous = writes.get(file) ?? Promise.resolve()
  const next = previous
    .catch(() => {})
    .then(async () => {
      const current = (await readBaselineFile(file)) ?? { version: 1, entries: {} }
      current.entries[key] = entry
      const entries = Object.fromEntries(
        Object.entries(current.entries).sort(([a], [b]) => a.localeCompare(b)),
      )
      await writeFileAtomic(file, `${JSON.stringify({ version: 1, entries }, null, 2)}\n`)
    })
  writes.set(file, next)
  const forget = (): void => {
    if (writes.get(file) === next) writes.delete(file)
  }
  next.then(forget, forget)
  return next
}
