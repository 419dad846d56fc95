import { type ChildProcess, spawn } from 'node:child_process'

/**
 * The watchdog's shell script. It reads one line from the pipe this process holds: `done` means the tool
 * ended normally; end-of-file means this process died (even by SIGKILL, which no handler sees), so it kills
 * the tool's process group and removes the run's folder. It ignores the signals a Ctrl-C or a stop sends.
 * The folder comes in the environment, so the watchdog's command line does not name the tool.
 */
const SCRIPT =
  'trap "" INT TERM HUP; read line; [ "$line" = done ] && exit 0; ' +
  'kill -s KILL -- "-$1" 2>/dev/null; [ -n "$PERFSPEC_WATCHDOG_DIR" ] && rm -rf -- "$PERFSPEC_WATCHDOG_DIR"'

/** Ties a tool's process group to this process's life. */
export interface Watchdog {
  /** Tells the watchdog the tool ended here; resolves once the watchdog has exited. */
  release(): Promise<void>
}

const RELEASED: Watchdog = { release: () => Promise.resolve() }

/**
 * Starts a watchdog (`sh`, in its own process group so no group signal reaches it) for the tool whose
 * process group is `groupId`: if this process dies before `release()`, the group is killed at once and
 * `dir` is removed. The pipe's end in this process is close-on-exec, so no other child keeps it open.
 */
export function watchToolGroup(groupId: number, dir: string | undefined): Watchdog {
  let child: ChildProcess
  try {
    child = spawn('sh', ['-c', SCRIPT, 'perfspec-watchdog', String(groupId)], {
      env: { ...process.env, PERFSPEC_WATCHDOG_DIR: dir ?? '' },
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    })
  } catch {
    return RELEASED
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    // No `sh`: the run goes on unwatched, as before the watchdog existed.
    child.once('error', () => resolve())
  })
  child.stdin?.on('error', () => {})
  return {
    release() {
      child.stdin?.end('done\n')
      return exited
    },
  }
}
