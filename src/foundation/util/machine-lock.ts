import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Set to `off` (or `0`, `false`) to let load runs on this machine overlap. */
export const RUN_LOCK_ENV = 'PERFSPEC_RUN_LOCK'
/** The folder of the lock file. @default os.tmpdir() */
export const RUN_LOCK_DIR_ENV = 'PERFSPEC_RUN_LOCK_DIR'
const LOCK_FILE = 'perfspec-load-run.lock'
const POLL_MS = 50
// A lock file that cannot be read (half written by a killed process) is stale after this long.
const UNREADABLE_STALE_MS = 5000
// The holder touches its lock file this often; one untouched for HEARTBEAT_STALE_MS lost its holder (a
// worker thread terminated mid-run leaves the process, and so its pid, alive).
const HEARTBEAT_MS = 1000
const HEARTBEAT_STALE_MS = 15_000

interface LockOwner {
  pid: number
  host: string
  startedAt: string
}

// Runs already inside the lock (the steps of a stress test, the runs of a comparison) don't take it again.
const holding = new AsyncLocalStorage<true>()
const held = new Set<string>()
let exitHookInstalled = false

/** What `runExclusive` tells the function it runs. */
export interface LockWait {
  /** How long the run waited for another run to finish (0 when it did not wait, or the lock is off). */
  waitedMs: number
}

function lockDisabled(): boolean {
  const value = process.env[RUN_LOCK_ENV]?.toLowerCase()
  return value === 'off' || value === '0' || value === 'false'
}

function lockFile(): string {
  return path.join(process.env[RUN_LOCK_DIR_ENV] || os.tmpdir(), LOCK_FILE)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  if (text === undefined) return undefined
  try {
    const owner = JSON.parse(text) as LockOwner
    return typeof owner.pid === 'number' ? owner : undefined
  } catch {
    return undefined
  }
}

function readOwner(file: string): LockOwner | undefined {
  return parseOwner(readText(file))
}

/**
 * The content of a lock file whose holder is gone (a killed test worker, a terminated worker thread), or
 * undefined while it is held. Its lock would block every later run.
 */
function staleContent(file: string): string | undefined {
  let ageMs: number
  try {
    ageMs = Date.now() - statSync(file).mtimeMs
  } catch {
    return undefined
  }
  const text = readText(file)
  if (text === undefined) return undefined
  const owner = parseOwner(text)
  if (owner === undefined) return ageMs > UNREADABLE_STALE_MS ? text : undefined
  if (ageMs > HEARTBEAT_STALE_MS) return text
  return owner.host === os.hostname() && !isAlive(owner.pid) ? text : undefined
}

function startHeartbeat(file: string): () => void {
  const timer = setInterval(() => {
    try {
      const now = new Date()
      utimesSync(file, now, now)
    } catch {}
  }, HEARTBEAT_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/** Removes a stale lock; true when the lock it judged stale is gone. */
function removeStale(file: string, judged: string): boolean {
  // Renamed first, so that of two waiters finding it stale only one removes it.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`
  try {
    renameSync(file, aside)
  } catch {
    return false
  }
  if (readText(aside) !== judged) {
    // Another run took the lock between our look and the rename: give it back.
    try {
      linkSync(aside, file)
    } catch {}
    rmSync(aside, { force: true })
    return false
  }
  rmSync(aside, { force: true })
  return true
}

/** Takes the lock file if it is free: the content is complete before the file appears (link is atomic). */
function tryTake(file: string): boolean {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() }
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(temp, JSON.stringify(owner))
  try {
    linkSync(temp, file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return false
  } finally {
    rmSync(temp, { force: true })
  }
}

function release(file: string): void {
  held.delete(file)
  const owner = readOwner(file)
  if (owner?.pid === process.pid) rmSync(file, { force: true })
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const file of held) rmSync(file, { force: true })
  })
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Runs `run` while holding the machine-wide load-run lock (a file in the OS temp folder), so that load runs
 * of Vitest workers, Jest workers and other processes on this machine never overlap. Waits (polling) while
 * another run holds it; a lock whose process died, or whose holder stopped touching it (a terminated worker
 * thread), is taken over. A run inside another (a stress step) runs
 * at once. When `signal` aborts while waiting, `run` runs without the lock (it sees the aborted signal).
 */
export async function runExclusive<T>(run: (wait: LockWait) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (holding.getStore() === true || lockDisabled()) return run({ waitedMs: 0 })
  const file = lockFile()
  const started = performance.now()
  let taken = false
  let contended = false
  while (!signal?.aborted) {
    if (tryTake(file)) {
      taken = true
      break
    }
    const stale = staleContent(file)
    if (stale !== undefined && removeStale(file, stale)) continue
    contended = true
    await sleep(POLL_MS, signal)
  }
  const wait = { waitedMs: contended ? Math.round(performance.now() - started) : 0 }
  if (!taken) return run(wait)
  held.add(file)
  installExitHook()
  const stopHeartbeat = startHeartbeat(file)
  try {
    return await holding.run(true, () => run(wait))
  } finally {
    stopHeartbeat()
    release(file)
  }
}

/** The warning of a run that waited for another: shown by every reporter. */
export function lockWaitWarning(waitedMs: number): string {
  return (
    `Waited ${(waitedMs / 1000).toFixed(1)} s for another perfspec load run on this machine to finish: ` +
    `load runs never overlap (${RUN_LOCK_ENV}=off lets them).`
  )
}
