import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { BaselineError } from '../../foundation/errors.ts'
import type { BaselineEntry } from '../../foundation/model/index.ts'
import { withLockFile } from '../../foundation/util/lock-file.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { ensureDir, writeFileAtomic } from '../../foundation/util/write-atomic.ts'
import { BASELINE_VERSION, COMPARED_NAMES, migrateV1Entry } from './migrate.ts'

/** A `__perf__/<test file>.perf.json` file: one entry per test (and result) name. */
export interface BaselineFile {
  version: typeof BASELINE_VERSION
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNumberRecord(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  return isRecord(value) && keys.every((key) => typeof value[key] === 'number')
}

function isLogSummary(value: unknown): boolean {
  if (!isRecord(value)) return false
  const { meanLog, sdLog, count } = value
  return (
    typeof meanLog === 'number' &&
    Number.isFinite(meanLog) &&
    typeof sdLog === 'number' &&
    Number.isFinite(sdLog) &&
    sdLog >= 0 &&
    Number.isInteger(count) &&
    (count as number) >= 0
  )
}

// Windows that are there must be whole: an interval over a half-read summary would judge nothing real.
function checkSamples(file: string, where: string, samples: unknown): void {
  if (samples === undefined) return
  const metrics = ['p95', 'rps'].filter((metric) => isRecord(samples) && !isLogSummary(samples[metric]))
  if (!isRecord(samples) || !Number.isInteger(samples['windows']) || metrics.length > 0) {
    throw corrupt(
      file,
      `"samples" of ${where} is not { windows, p95, rps } with { meanLog, sdLog, count } summaries`,
    )
  }
  if (samples['cpuPerRequest'] !== undefined && !isLogSummary(samples['cpuPerRequest'])) {
    throw corrupt(file, `"samples.cpuPerRequest" of ${where} is not a { meanLog, sdLog, count } summary`)
  }
}

// The numbers a comparison reads must be there: a missing one would compare against `undefined` and pass.
function checkEntry(file: string, key: string, entry: unknown, version: 1 | 2): Record<string, unknown> {
  const names = COMPARED_NAMES[version]
  if (!isNumberRecord(entry, names.entry)) {
    throw corrupt(file, `entry "${key}" has no numeric ${names.entry.join(' and ')}`)
  }
  if (!isRecord(entry['machine'])) throw corrupt(file, `entry "${key}" has no "machine" object`)
  checkSamples(file, `entry "${key}"`, entry['samples'])
  const endpoints = entry['endpoints']
  if (endpoints === undefined) return entry
  if (!isRecord(endpoints)) throw corrupt(file, `"endpoints" of entry "${key}" is not an object`)
  for (const [name, endpoint] of Object.entries(endpoints)) {
    if (!isNumberRecord(endpoint, names.endpoint)) {
      throw corrupt(
        file,
        `endpoint "${name}" of entry "${key}" has no numeric ${names.endpoint.join(' and ')}`,
      )
    }
    checkSamples(file, `endpoint "${name}" of entry "${key}"`, endpoint['samples'])
  }
  return entry
}

/**
 * Parses a baseline file's text; throws a BaselineError naming the file when it is not one. A version-1 file
 * (`avg`, `throughput`) reads under version 2's names (`mean`, `rps`); the next write stores it as version 2.
 * A newer version is refused rather than read under names it may no longer use.
 */
export function parseBaselineFile(text: string, file: string): BaselineFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw corrupt(file, `not JSON: ${(error as Error).message}`, error)
  }
  if (!isRecord(data) || !('version' in data)) {
    throw corrupt(file, `expected { "version": ${BASELINE_VERSION}, "entries": { … } }`)
  }
  const { version, entries } = data
  if (version !== 1 && version !== BASELINE_VERSION) {
    throw new BaselineError(
      `Baseline file ${file} has version ${JSON.stringify(version)}; this perfspec reads versions 1 and ` +
        `${BASELINE_VERSION}. Upgrade perfspec (a newer one wrote it), or delete the file to record anew.`,
    )
  }
  if (!isRecord(entries)) throw corrupt(file, '"entries" is not an object')
  const read: Record<string, BaselineEntry> = {}
  for (const [key, entry] of Object.entries(entries)) {
    const checked = checkEntry(file, key, entry, version)
    setOwn(read, key, version === 1 ? migrateV1Entry(checked) : (checked as unknown as BaselineEntry))
  }
  return { version: BASELINE_VERSION, entries: read }
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

// Tests of one file run in one process: chaining its writes per file spares them polling for the lock.
const writes = new Map<string, Promise<unknown>>()

// Read, change, write under the file's lock: processes sharing a baseline file (two projects running one
// test file, Vitest beside Jest) would otherwise each write back what they read, losing the other's entries.
async function storeEntry(file: string, key: string, entry: BaselineEntry): Promise<void> {
  try {
    await ensureDir(path.dirname(file))
    await withLockFile(`${file}.lock`, async () => {
      // A version-1 file was read under version 2's names: writing it back stores them all as version 2.
      const current = (await readBaselineFile(file)) ?? { version: BASELINE_VERSION, entries: {} }
      setOwn(current.entries, key, entry)
      const sorted = Object.entries(current.entries).sort(([a], [b]) => a.localeCompare(b))
      const text = JSON.stringify({ version: BASELINE_VERSION, entries: Object.fromEntries(sorted) }, null, 2)
      await writeFileAtomic(file, `${text}\n`)
    })
  } catch (error) {
    // A corrupt file keeps its own message; a folder or disk that refuses the write gets one naming the file.
    throw error instanceof BaselineError ? error : cannotWrite(file, error)
  }
}

function cannotWrite(file: string, cause: unknown): BaselineError {
  return new BaselineError(`Cannot write baseline file ${file}: ${(cause as Error).message}`, { cause })
}

/**
 * Stores one entry (read, change, atomic write), keeping the file's other entries and sorting keys. Other
 * processes writing the same file wait for each other (a lock file beside it, `<file>.lock`).
 */
export function saveBaselineEntry(file: string, key: string, entry: BaselineEntry): Promise<void> {
  const previous = writes.get(file) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(() => storeEntry(file, key, entry))
  writes.set(file, next)
  const forget = (): void => {
    if (writes.get(file) === next) writes.delete(file)
  }
  next.then(forget, forget)
  return next
}
