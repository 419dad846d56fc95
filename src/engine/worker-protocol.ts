import type { GeneratorHealth, RunPhase } from '../foundation/model/index.ts'
import type { CollectorSnapshot } from '../metrics/collector.ts'
import type { ResolvedJourney } from '../options/journey/resolve.ts'
import type { NativeOptions } from '../options/native.ts'
import type { ResolvedRequest } from '../options/request.ts'
import type { LoadShape } from '../options/shape.ts'
import type { EngineRunOptions } from './engine-options.ts'
import type { JourneySnapshot } from './journey/journey-stats.ts'
import { importInWorker } from './journey/module-iteration.ts'
import type { RunShare } from './run-state.ts'

/**
 * The sections a worker thread runs, minus what can't cross to another thread (functions, a URL object):
 * the request, this share's load shape, the engine's own section, the journey's plain steps.
 */
export interface WorkerOptions {
  request: Omit<ResolvedRequest, 'url' | 'body' | 'check'> & { url: string; body: Uint8Array | undefined }
  shape: LoadShape
  native: Omit<NativeOptions, 'onProgress'>
  journey?: Omit<ResolvedJourney, 'setup' | 'teardown' | 'iteration'> & { iteration?: WorkerIteration }
}

/** A module iteration as it crosses: the module each worker imports, and the endpoints made before the run. */
export interface WorkerIteration {
  module: string
  endpoints: string[]
}

/** What a worker thread is started with (its workerData). */
export interface WorkerJob {
  options: WorkerOptions
  share: RunShare
  /** Journey runs: what `setup` returned in the parent (setup and teardown themselves stay there). */
  setup?: unknown
  /**
   * The parent's environment as the run starts: a thread kept from an earlier run has an older copy, and
   * TLS reads e.g. NODE_TLS_REJECT_UNAUTHORIZED from it at every connection.
   */
  env: Record<string, string | undefined>
}

/** One second of a worker's timeline, with its latency histogram encoded for an exact merge. */
export interface WorkerInterval {
  requests: number
  errors: number
  activeUsers: number
  histogram: string
  /** The phase the second began in. */
  phase?: RunPhase | undefined
  /** The worker's last second, closed when its run ended. */
  final?: boolean
}

export interface WorkerResult {
  snapshot: CollectorSnapshot
  aborted: boolean
  /** Open model: this share's dropped and due requests. */
  dropped: number | undefined
  scheduled: number | undefined
  health: GeneratorHealth
  /** Journey runs: this share's collectors per endpoint and scenario. */
  journey?: JourneySnapshot
}

/** Worker → parent, in this order: ready, intervals, done (or failed). */
export type WorkerMessage =
  | { type: 'ready' }
  | ({ type: 'interval' } & WorkerInterval)
  | { type: 'done'; result: WorkerResult }
  | { type: 'failed'; message: string }

/**
 * Parent → worker: a job, then start (or abort). An abort before start ends the job without a request. A
 * worker takes one job after another (the parent keeps an idle one for the next run).
 */
export type ParentMessage = { type: 'job'; job: WorkerJob } | { type: 'start' } | { type: 'abort' }

/** A worker's job: the run's sections as they cross (`shape` is the share's), `setup`'s value, the env. */
export function toWorkerJob(
  options: EngineRunOptions,
  share: RunShare,
  shape: LoadShape,
  setup?: unknown,
): WorkerJob {
  const { url, body, check: _check, ...request } = options.request
  const { onProgress: _onProgress, ...native } = options.native
  const job: WorkerJob = {
    options: { request: { ...request, url: url.href, body }, shape, native },
    share,
    env: { ...process.env },
  }
  const { journey } = options
  if (journey !== undefined) {
    // Steps are plain data here (functions were refused); setup and teardown run in the parent. A code
    // iteration here is a module (a function keeps the run in the calling thread): each worker imports it.
    const { setup: _setup, teardown: _teardown, iteration, ...plain } = journey
    job.options.journey =
      iteration?.module === undefined
        ? plain
        : { ...plain, iteration: { module: iteration.module, endpoints: iteration.endpoints } }
    job.setup = setup
  }
  return job
}

/** The run's sections in the worker, its module iteration (if any) imported in this thread. */
export async function fromWorkerJob(job: WorkerJob): Promise<EngineRunOptions> {
  const { request, shape, native, journey } = job.options
  const { url, body, ...rest } = request
  const options: EngineRunOptions = {
    request: {
      ...rest,
      url: new URL(url),
      body: body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      check: undefined,
    },
    shape,
    native,
  }
  if (journey !== undefined) {
    const { iteration, ...plain } = journey
    options.journey =
      iteration === undefined
        ? plain
        : { ...plain, iteration: await importInWorker(iteration.module, iteration.endpoints) }
  }
  return options
}
