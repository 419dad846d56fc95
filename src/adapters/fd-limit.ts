import { readdirSync, readFileSync } from 'node:fs'
import { InvalidOptionError } from '../foundation/errors.ts'
import type { ToolName } from '../foundation/types.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'

/** RLIMIT_NOFILE as /proc/self/limits says (Node has no getrlimit); undefined where there is no /proc. */
export interface OpenFileLimit {
  soft: number
  hard: number
}

/** What a load generator needs of the open-file limit besides one socket per user (a LoadAdapter declares it). */
export interface FdNeeds {
  /**
   * Descriptors of its own: its files, pipes and runtime (measured with `ls /proc/PID/fd` on short runs,
   * then doubled); `'in-process'`: it runs in this process, which needs what it has open now plus headroom.
   */
  own: number | 'in-process'
  /**
   * The limit it runs under: the soft limit it inherits, the hard one (it raises its soft limit itself), or
   * the soft limit raised to `raisesTo` where it may (the hard limit is unlimited, or it runs as root).
   */
  limit: 'soft' | 'hard' | { raisesTo: number }
  /** Its `workers` are processes, each holding its share of the users (else they share this one's limit). */
  workerProcesses: boolean
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

/** Headroom for this process (the runner's own files, worker threads, the odd reconnect). */
const HEADROOM_FDS = 32

function availableUnder(needs: FdNeeds['limit'], limit: OpenFileLimit): number {
  if (needs === 'soft') return limit.soft
  if (needs === 'hard') return limit.hard
  const mayRaise = limit.hard === Infinity || process.getuid?.() === 0
  return mayRaise ? Math.max(limit.soft, needs.raisesTo) : limit.soft
}

/**
 * Throws InvalidOptionError (before any load) when the run's users cannot each hold a connection under the
 * open-file limit the load generator runs with, as its FdNeeds say (per process for worker processes).
 */
export function assertUsersFitFdLimit(
  generator: { name: ToolName; fds: FdNeeds },
  options: Pick<ResolvedLoadOptions, 'shape' | 'tool'>,
  limit: OpenFileLimit | undefined = readLimit(),
): void {
  if (limit === undefined) return
  const { shape } = options
  const { fds } = generator
  const open = shape.model === 'open'
  const users = open ? shape.maxUsers : shape.users
  const { workers } = options.tool
  // `workers: 0` starts no worker process: the generator holds every user itself.
  const processes = fds.workerProcesses && workers !== undefined && workers > 0 ? workers : undefined
  const perProcess = processes === undefined ? users : Math.ceil(users / processes)
  const available = availableUnder(fds.limit, limit)
  const inProcess = fds.own === 'in-process'
  const inUse = fds.own === 'in-process' ? openDescriptors() + HEADROOM_FDS : fds.own
  const needed = perProcess + inUse
  if (needed <= available) return
  const option = open ? 'maxUsers' : 'users'
  throw new InvalidOptionError(
    option,
    `Expected \`${option}\` (${users}) to fit under the open-file limit: each user holds a connection, ` +
      `so ${inProcess ? 'this process' : generator.name} needs about ${needed} file descriptors ` +
      `(${perProcess} sockets + ${inUse} of its own), but may open ${available}. ` +
      `Raise the limit (\`ulimit -n ${nextPowerOfTwo(needed)}\` in the shell that starts the tests) or lower \`${option}\``,
  )
}

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(value))
}
