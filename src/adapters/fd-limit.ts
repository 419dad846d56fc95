import { readdirSync, readFileSync } from 'node:fs'
import { InvalidOptionError } from '../foundation/errors.ts'
import type { ToolName } from '../foundation/types.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'

/** RLIMIT_NOFILE as /proc/self/limits says (Node has no getrlimit); undefined where there is no /proc. */
export interface OpenFileLimit {
  soft: number
  hard: number
}

/** Reads `Max open files` from /proc/self/limits (`unlimited` reads as Infinity). */
export function parseOpenFileLimit(limits: string): OpenFileLimit | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits)
  if (match === null) return undefined
  const read = (value: string | undefined): number => (value === 'unlimited' ? Infinity : Number(value))
  const soft = read(match[1])
  const hard = read(match[2])
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard }
}

function readLimit(): OpenFileLimit | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'))
  } catch {
    return undefined
  }
}

function openDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return 0
  }
}

/**
 * Descriptors a tool needs besides one socket per user: its own files, pipes and runtime (measured with
 * `ls /proc/PID/fd` on short runs, then doubled). Locust counts per process.
 */
const TOOL_OWN_FDS: Record<ToolName, number> = { native: 0, ab: 16, k6: 64, locust: 64 }
/** Headroom for this process (the runner's own files, worker threads, the odd reconnect). */
const HEADROOM_FDS = 32

/** Locust raises its soft limit to 10000 where it may (hard limit unlimited, or running as root). */
const LOCUST_RAISES_TO = 10_000

function availableTo(tool: ToolName, limit: OpenFileLimit): number {
  if (tool === 'k6') return limit.hard
  if (tool !== 'locust') return limit.soft
  const mayRaise = limit.hard === Infinity || process.getuid?.() === 0
  return mayRaise ? Math.max(limit.soft, LOCUST_RAISES_TO) : limit.soft
}

/**
 * Throws InvalidOptionError (before any load) when the run's users cannot each hold a connection under the
 * open-file limit that the load generator runs with: this process's for the native engine, the inherited
 * soft limit for ab, per process for Locust (which raises it to 10000 where it may), and the hard limit
 * for k6 (Go raises its soft limit itself).
 */
export function assertUsersFitFdLimit(
  tool: ToolName,
  options: Pick<ResolvedLoadOptions, 'users' | 'maxUsers' | 'rate' | 'stages' | 'workers'>,
  limit: OpenFileLimit | undefined = readLimit(),
): void {
  if (limit === undefined) return
  const open = options.rate !== undefined || options.stages !== undefined
  const users = open ? options.maxUsers : options.users
  // Locust's workers are processes, each with its own share; native workers are threads of this process.
  const perProcess =
    tool === 'locust' && options.workers !== undefined ? Math.ceil(users / options.workers) : users
  const available = availableTo(tool, limit)
  const inUse = tool === 'native' ? openDescriptors() + HEADROOM_FDS : TOOL_OWN_FDS[tool]
  const needed = perProcess + inUse
  if (needed <= available) return
  const option = open ? 'maxUsers' : 'users'
  throw new InvalidOptionError(
    option,
    `Expected \`${option}\` (${users}) to fit under the open-file limit: each user holds a connection, ` +
      `so ${tool === 'native' ? 'this process' : tool} needs about ${needed} file descriptors ` +
      `(${perProcess} sockets + ${inUse} of its own), but may open ${available}. ` +
      `Raise the limit (\`ulimit -n ${nextPowerOfTwo(needed)}\` in the shell that starts the tests) or lower \`${option}\``,
  )
}

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(value))
}
