import { InvalidOptionError } from '../foundation/errors.ts'
import type { LoadProgress, LoadTestOptions, NativeTransport, ToolName } from '../foundation/types.ts'
import { type CodeIteration, functionFieldsOf, type ResolvedJourney } from './journey/resolve.ts'
import type { ResolvedRequest } from './request.ts'
import type { LoadShape } from './shape.ts'
import {
  type KnownKeys,
  rejectUnknownKeys,
  requireFunction,
  requireInteger,
  requireObject,
  requireOneOf,
} from './validate.ts'

/** As undici's and Node's default `maxHeaderSize`. */
export const DEFAULT_MAX_HEADER_SIZE = 16 * 1024

const TRANSPORTS: readonly NativeTransport[] = ['undici', 'fast']
const MONITOR_KEYS = { pid: true } as const satisfies KnownKeys<NonNullable<LoadTestOptions['monitor']>>

/**
 * The native engine section: how its users speak HTTP and where it runs. Only the native engine reads it;
 * what is valid here for a native run was checked against the run's shape, request and journey.
 */
export interface NativeOptions {
  /** The HTTP transport of its users. */
  transport: NativeTransport
  /** Requests each user keeps in flight on its connection; 1 = no pipelining. */
  pipelining: number
  /** The largest response head accepted, in bytes. */
  maxHeaderSize: number
  /** Worker threads as given (0: the calling thread); undefined: one, or the calling thread (placeGenerator). */
  workers: number | undefined
  /** A local process whose CPU and memory are sampled into the timeline. */
  monitorPid: number | undefined
  /** Progress callback, about once a second. */
  onProgress?: (progress: LoadProgress) => void
}

/** What the rest of the run is, for the checks only a native run needs. */
interface NativeRun {
  tool: ToolName
  workers: number | undefined
  shape: LoadShape
  request: ResolvedRequest
  journey: ResolvedJourney | undefined
}

function resolvePipelining(options: LoadTestOptions, tool: ToolName): number {
  if (options.pipelining === undefined) return 1
  const depth = requireInteger('pipelining', options.pipelining, 1, 256)
  if (depth > 1 && tool !== 'native') {
    throw new InvalidOptionError('pipelining', 'Only the native engine pipelines requests (`pipelining`)')
  }
  return depth
}

function resolveTransport(options: LoadTestOptions, tool: ToolName): NativeTransport {
  // The engine's own HTTP/1.1 connection by default: it passes the conformance suite with the lower CPU per
  // request (bench/run.mjs); undici stays an explicit choice. HTTP/2 picks undici (fast speaks HTTP/1.1).
  if (options.transport === undefined) return options.http2 === true ? 'undici' : 'fast'
  const transport = requireOneOf('transport', options.transport, TRANSPORTS)
  if (tool !== 'native') {
    throw new InvalidOptionError(
      'transport',
      'Only the native engine has a `transport`: an external tool speaks HTTP its own way',
    )
  }
  if (options.http2 === true && transport !== 'undici') {
    throw new InvalidOptionError(
      'http2',
      "The fast transport speaks HTTP/1.1 only: use `transport: 'undici'` (or leave `transport` out) with `http2`",
    )
  }
  return transport
}

function resolveMonitorPid(value: unknown): number | undefined {
  if (value === undefined) return undefined
  const monitor = requireObject('monitor', value, 'an object { pid }')
  rejectUnknownKeys(monitor, MONITOR_KEYS, 'monitor.')
  return requireInteger('monitor.pid', monitor.pid, 1, 2 ** 31 - 1)
}

/**
 * A function iteration runs in the calling thread (a module in worker threads, or there with `workers: 0`),
 * and the run's end is what cuts one that never settles.
 */
function checkCodeIteration(native: NativeOptions, shape: LoadShape, iteration: CodeIteration): void {
  if (iteration.module === undefined && native.workers !== undefined && native.workers > 0) {
    throw new InvalidOptionError(
      'iteration',
      'An `iteration` function runs in the calling thread and cannot cross to worker threads: use `workers: 0`, ' +
        "or leave `workers` out; a module iteration (new URL('./shopper.js', import.meta.url)) runs in worker threads",
    )
  }
  if (shape.durationMs === undefined) {
    throw new InvalidOptionError(
      'requests',
      'A code iteration needs a `duration` (with `requests` too, if you like): an iteration that never settles is cut when the run’s time is up',
    )
  }
}

/** A native run's options that cannot go together: thrown before any request is sent. */
function checkNativeRun(native: NativeOptions, run: NativeRun): void {
  const { journey, shape, request } = run
  if (journey !== undefined) {
    if (native.pipelining > 1) {
      throw new InvalidOptionError(
        'pipelining',
        'Expected no `pipelining` with a journey (`steps`, `scenarios`): each step waits for the previous response',
      )
    }
    if (journey.iteration !== undefined) checkCodeIteration(native, shape, journey.iteration)
    // Without `workers` a journey with functions runs in the calling thread (placeGenerator says so).
    const [field] = native.workers !== undefined && native.workers > 0 ? functionFieldsOf(journey) : []
    if (field !== undefined) {
      throw new InvalidOptionError(
        field,
        `The \`${field}\` function cannot run in worker threads: with \`workers\`, steps must be plain data ` +
          "(templates such as '/items/{{id}}', captures such as 'json:token', `data` rows), or use `workers: 0` (the calling thread)",
      )
    }
  }
  if (native.pipelining > 1 && shape.model === 'open') {
    throw new InvalidOptionError(
      'pipelining',
      'Expected no `pipelining` with an arrival rate (`rate`, `stages`): the open model sends each request ' +
        'when it is due, on an idle connection',
    )
  }
  const workers = native.workers ?? 1
  if (workers <= 1) return
  if (request.check !== undefined) {
    throw new InvalidOptionError(
      'check',
      'A `check` function cannot run in worker threads: use `workers: 1` (the default) to check responses',
    )
  }
  const users = shape.model === 'open' ? shape.maxUsers : shape.users
  if (workers > users) {
    throw new InvalidOptionError(
      'workers',
      `Expected the \`workers\` option to be at most the number of users (${users}): each worker thread runs at least one`,
    )
  }
}

/**
 * Validates the native engine's options (`transport`, `pipelining`, `maxHeaderSize`, `monitor`,
 * `onProgress`; `workers` when it runs) and, when it is the tool that runs, what they cannot go with.
 */
export function resolveNative(options: LoadTestOptions, run: NativeRun): NativeOptions {
  const native: NativeOptions = {
    transport: resolveTransport(options, run.tool),
    pipelining: resolvePipelining(options, run.tool),
    maxHeaderSize:
      options.maxHeaderSize === undefined
        ? DEFAULT_MAX_HEADER_SIZE
        : requireInteger('maxHeaderSize', options.maxHeaderSize, 1024, 16 * 1024 * 1024),
    workers: run.tool === 'native' ? run.workers : undefined,
    monitorPid: resolveMonitorPid(options.monitor),
  }
  if (options.onProgress !== undefined) native.onProgress = requireFunction('onProgress', options.onProgress)
  if (run.tool === 'native') checkNativeRun(native, run)
  return native
}
