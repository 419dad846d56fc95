import { AsyncLocalStorage } from 'node:async_hooks'
import os from 'node:os'
import path from 'node:path'
import { releaseLockFile, startLockHeartbeat, takeLockFile } from './lock-file.ts'

/** Set to `off` (or `0`, `false`) to let load runs on this machine overlap. */
export const RUN_LOCK_ENV = 'PERFSPEC_RUN_LOCK'
/** The folder of the lock file. @default os.tmpdir() */
export const RUN_LOCK_DIR_ENV = 'PERFSPEC_RUN_LOCK_DIR'
const LOCK_FILE = 'perfspec-load-run.lock'
const POLL_MS = 50

// Runs already inside the lock (the steps of a stress test, the runs of a comparison) don't take it again.
const holding = new AsyncLocalStorage<true>()

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
    if (takeLockFile(file)) {
      taken = true
      break
    }
    contended = true
    await sleep(POLL_MS, signal)
  }
  const wait = { waitedMs: contended ? Math.round(performance.now() - started) : 0 }
  if (!taken) return run(wait)
  const stopHeartbeat = startLockHeartbeat(file)
  try {
    return await holding.run(true, () => run(wait))
  } finally {
    stopHeartbeat()
    releaseLockFile(file)
  }
}

/** The warning of a run that waited for another: shown by every reporter. */
export function lockWaitWarning(waitedMs: number): string {
  return (
    `Waited ${(waitedMs / 1000).toFixed(1)} s for another perfspec load run on this machine to finish: ` +
    `load runs never overlap (${RUN_LOCK_ENV}=off lets them).`
  )
}
