import { readFileSync } from 'node:fs'

const POLL_MS = 250

let controller: AbortController | undefined

/** This process's parent as the kernel sees it now (`process.ppid` is read once at start-up). */
function currentParentPid(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

function isTestRunnerWorker(env: NodeJS.ProcessEnv): boolean {
  return env.VITEST_WORKER_ID !== undefined || env.JEST_WORKER_ID !== undefined
}

function watchParent(abort: () => void): void {
  // A Vitest or Jest worker forked with IPC: the channel closes when the runner dies, however it died.
  if (typeof process.send === 'function' && process.connected) process.once('disconnect', abort)
  const parent = currentParentPid()
  if (parent === undefined) return
  // Without IPC (or should the channel outlive the runner), an orphan is re-parented to init or a subreaper.
  const timer = setInterval(() => {
    if (currentParentPid() !== parent) {
      clearInterval(timer)
      abort()
    }
  }, POLL_MS)
  timer.unref()
}

/**
 * Aborted when the test runner that started this worker process is gone (its main process exited or was
 * killed, leaving this worker orphaned): every run still going stops at once, since nobody will read its
 * result. Never aborted outside a Vitest or Jest worker.
 */
export function runnerGoneSignal(env: NodeJS.ProcessEnv = process.env): AbortSignal {
  if (controller === undefined) {
    const created = new AbortController()
    controller = created
    if (isTestRunnerWorker(env)) {
      watchParent(() => created.abort(new Error('perfspec: the test runner that started this run is gone')))
    }
  }
  return controller.signal
}

/** The run's own signal joined with runnerGoneSignal(). */
export function withRunnerGone(signal: AbortSignal | undefined): AbortSignal {
  const gone = runnerGoneSignal()
  return signal === undefined ? gone : AbortSignal.any([signal, gone])
}
