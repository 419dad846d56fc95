import { type ChildProcess, spawn } from 'node:child_process'

/** The environment variable that carries a tool run's token, by which its watchdog can find the tool. */
export const TOOL_RUN_ENV = 'PERFSPEC_TOOL_RUN'

/**
 * The watchdog's shell script. It reads the tool's process group, then one more line, from the pipe this
 * process holds: `done` means the tool ended normally; end-of-file means this process died (even by SIGKILL,
 * which no handler sees), so it kills the tool's process group and removes the run's folder. Should this
 * process die before naming the group (in the moment after it started the tool), the watchdog finds the
 * tool's processes by the token ($1) in their environment, in /proc. It ignores the signals a Ctrl-C or a
 * stop sends. The folder comes in the environment, so the watchdog's command line does not name the tool.
 */
const SCRIPT =
  'trap "" INT TERM HUP; read group; [ "$group" = done ] && exit 0; read line; [ "$line" = done ] && exit 0; ' +
  'if [ -n "$group" ]; then kill -s KILL -- "-$group" 2>/dev/null; ' +
  `else for f in $(grep -lsxz "${TOOL_RUN_ENV}=$1" /proc/[0-9]*/environ); do ${killFound()}; done; fi; ` +
  '[ -n "$PERFSPEC_WATCHDOG_DIR" ] && rm -rf -- "$PERFSPEC_WATCHDOG_DIR"'

/** Kills the process whose environ file is `$f` (/proc/PID/environ), with its group when it leads one. */
function killFound(): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  return 'p=${f#/proc/}; p=${p%/environ}; kill -s KILL -- "-$p" "$p" 2>/dev/null'
}

/** Ties a tool's process group to this process's life. */
export interface Watchdog {
  /** Names the tool's process group, once the tool runs. */
  watch(groupId: number): void
  /** Tells the watchdog the tool ended here; resolves once the watchdog has exited. */
  release(): Promise<void>
}

const RELEASED: Watchdog = { watch: () => {}, release: () => Promise.resolve() }

/**
 * Starts a watchdog (`sh`, in its own process group so no group signal reaches it) for a tool about to start
 * with `token` in its environment (TOOL_RUN_ENV): if this process dies before `release()`, the tool's group
 * is killed at once and `dir` is removed. Started before the tool, so no moment passes with the tool running
 * and nothing watching it. The pipe's end in this process is close-on-exec, so no other child keeps it open.
 */
export function startWatchdog(token: string, dir: string | undefined): Watchdog {
  let child: ChildProcess
  try {
    child = spawn('sh', ['-c', SCRIPT, 'perfspec-watchdog', token], {
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
    watch(groupId) {
      child.stdin?.write(`${groupId}\n`)
    },
    release() {
      child.stdin?.end('done\n')
      return exited
    },
  }
}
