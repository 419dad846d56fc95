import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'

// A lock file that cannot be read (half written by a killed process) is stale after this long.
const UNREADABLE_STALE_MS = 5000
// The holder touches its lock file this often; one untouched for HEARTBEAT_STALE_MS lost its holder (a
// worker thread terminated mid-run leaves the process, and so its pid, alive).
const HEARTBEAT_MS = 1000
const HEARTBEAT_STALE_MS = 15_000

/** What a lock file holds: who took it. */
export interface LockOwner {
  pid: number
  host: string
  startedAt: string
}

// Lock files this process holds, removed if it exits holding them (process.exit, a second Ctrl-C).
const held = new Set<string>()
let exitHookInstalled = false

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

/** Who holds the lock file, when it can be read. */
export function readLockOwner(file: string): LockOwner | undefined {
  return parseOwner(readText(file))
}

/**
 * The content of a lock file whose holder is gone (a killed process, a terminated worker thread), or
 * undefined while it is held. Its lock would block every later taker.
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
    // Another taker took the lock between our look and the rename: give it back.
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

/**
 * Takes the lock file `file` once: true when this call holds it now. A lock whose holder died, or stopped
 * touching it, is taken over. Throws what the file system says when the folder cannot hold the file.
 */
export function takeLockFile(file: string): boolean {
  for (;;) {
    if (tryTake(file)) break
    const stale = staleContent(file)
    if (stale === undefined || !removeStale(file, stale)) return false
  }
  held.add(file)
  installExitHook()
  return true
}

/** Keeps a held lock file fresh while its holder works; returns what stops it. */
export function startLockHeartbeat(file: string): () => void {
  const timer = setInterval(() => {
    try {
      const now = new Date()
      utimesSync(file, now, now)
    } catch {}
  }, HEARTBEAT_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/** Gives a lock file back: removed only while it is still this process's. */
export function releaseLockFile(file: string): void {
  held.delete(file)
  if (readLockOwner(file)?.pid === process.pid) rmSync(file, { force: true })
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const file of held) rmSync(file, { force: true })
  })
}

const POLL_MS = 10
const WAIT_LIMIT_MS = 60_000

/**
 * Runs `run` holding the lock file `file` (beside what it guards), so that a read-modify-write of that file
 * by several processes (Vitest and Jest workers, two runs sharing a folder) keeps every change. Waits,
 * polling, while another holds it; a lock whose holder died is taken over. Throws after `waitLimitMs`
 * of waiting on a live holder.
 */
export async function withLockFile<T>(
  file: string,
  run: () => Promise<T>,
  waitLimitMs = WAIT_LIMIT_MS,
): Promise<T> {
  const started = Date.now()
  while (!takeLockFile(file)) {
    if (Date.now() - started > waitLimitMs) {
      const owner = readLockOwner(file)
      const holder = owner === undefined ? '' : ` (held by pid ${owner.pid} on ${owner.host})`
      throw new Error(
        `Waited ${Math.round(waitLimitMs / 1000)} s for the lock file ${file}${holder}; ` +
          'delete it if no perfspec process is running',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  const stopHeartbeat = startLockHeartbeat(file)
  try {
    return await run()
  } finally {
    stopHeartbeat()
    releaseLockFile(file)
  }
}
