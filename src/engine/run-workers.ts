import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { GeneratorHealth, TimelinePoint } from '../foundation/model/index.ts'
import { MetricsCollector } from '../metrics/collector.ts'
import type { ResolvedJourney } from '../options/journey/resolve.ts'
import type { LoadShape } from '../options/shape.ts'
import type { NativeEngineOptions } from './engine-options.ts'
import { JourneyStats } from './journey/journey-stats.ts'
import type { RunMonitors } from './monitor/run-monitors.ts'
import { progressReporter } from './progress.ts'
import { countOfShare, type RunShare } from './run-state.ts'
import { TimelineMerger } from './timeline-merger.ts'
import { type ParentMessage, toWorkerJob, type WorkerMessage, type WorkerResult } from './worker-protocol.ts'

/** A finished run of the native engine, in this thread or merged from worker threads. */
export interface FinishedRun {
  collector: MetricsCollector
  timeline: TimelinePoint[]
  aborted: boolean
  /** Open model: requests dropped at the `maxUsers` cap, and requests due. */
  open: { dropped: number; scheduled: number } | undefined
  /** Worker threads: how busy each one's event loop was. */
  workerHealth?: GeneratorHealth[]
  /** Journey runs: the collectors per endpoint and scenario (merged from the threads). */
  journey?: JourneyStats | undefined
  /** Worker threads: each endpoint's timeline, merged second by second. */
  endpointTimelines?: Map<string, TimelinePoint[]>
}

/**
 * The worker thread's entry, built next to this module. Running from sources (Vitest runs the TypeScript),
 * plain Node can't load a TypeScript worker: then it is the build at the package root, which `npm test`
 * makes first.
 */
function workerEntry(): URL {
  const here = import.meta.url
  const entry = here.endsWith('.ts')
    ? new URL('../../dist/engine-worker.mjs', here)
    : new URL(here.endsWith('.cjs') ? './engine-worker.cjs' : './engine-worker.mjs', here)
  if (!existsSync(entry)) {
    throw new Error(`The engine worker ${fileURLToPath(entry)} is missing: build the package (npm run build)`)
  }
  return entry
}

/** The threads' per-endpoint and per-scenario collectors merged, and each endpoint's timeline second by second. */
function mergeJourneys(
  journey: ResolvedJourney,
  finished: WorkerResult[],
): { journey: JourneyStats; endpointTimelines: Map<string, TimelinePoint[]> } {
  const stats = new JourneyStats(journey)
  const mergers = new Map<string, TimelineMerger>()
  finished.forEach((result, worker) => {
    if (result.journey === undefined) return
    stats.merge(result.journey)
    for (const endpoint of result.journey.endpoints) {
      let merger = mergers.get(endpoint.name)
      if (merger === undefined) {
        merger = new TimelineMerger(finished.length)
        mergers.set(endpoint.name, merger)
      }
      for (const interval of endpoint.intervals) merger.add(worker, interval)
    }
  })
  return {
    journey: stats,
    endpointTimelines: new Map([...mergers].map(([name, merger]) => [name, merger.timeline()])),
  }
}

/**
 * One idle worker thread kept between runs of a single generator thread (the default): the next run skips
 * the thread's start (loading undici and the engine) and its JIT is already warm. Unref'd: it never keeps
 * the process alive.
 */
let idleWorker: Worker | undefined

function acquireWorker(entry: URL, pooled: boolean): Worker {
  const worker = pooled ? idleWorker : undefined
  if (worker === undefined) return new Worker(entry)
  idleWorker = undefined
  forgetListeners(worker)
  worker.ref()
  return worker
}

// Only the events the runs listen to: the worker's own 'newListener' hooks (which ref its port) stay.
function forgetListeners(worker: Worker): void {
  for (const event of ['message', 'error', 'exit'] as const) worker.removeAllListeners(event)
}

/** Keeps a healthy single worker for the next run; terminates the rest. */
async function releaseWorkers(workers: Worker[], keepOne: boolean): Promise<void> {
  const kept = keepOne && idleWorker === undefined ? workers[0] : undefined
  if (kept !== undefined) {
    forgetListeners(kept)
    kept.unref()
    const forget = (): void => {
      if (idleWorker === kept) idleWorker = undefined
    }
    kept.once('exit', forget)
    kept.on('error', forget)
    idleWorker = kept
  }
  await Promise.all(workers.filter((worker) => worker !== kept).map((worker) => worker.terminate()))
}

/** `requests` split over the shares in proportion to their users, summing exactly to `requests`. */
function splitRequests(requests: number, users: number, shares: RunShare[]): number[] {
  let usersBefore = 0
  return shares.map((share) => {
    const from = Math.floor((requests * usersBefore) / users)
    usersBefore += countOfShare(users, share)
    return Math.floor((requests * usersBefore) / users) - from
  })
}

/**
 * Each share's load shape: its part of the `maxUsers` cap and, in the closed model, of `requests` (by its
 * users); the open model numbers arrivals across the shares, so each keeps the run's `requests`.
 */
function shapesOfShares(shape: LoadShape, shares: RunShare[]): LoadShape[] {
  const split =
    shape.requests === undefined || shape.model === 'open'
      ? undefined
      : splitRequests(shape.requests, shape.users, shares)
  return shares.map((share, index) => {
    const maxUsers = countOfShare(shape.maxUsers, share)
    return split === undefined ? { ...shape, maxUsers } : { ...shape, maxUsers, requests: split[index]! }
  })
}

/**
 * Runs the native engine in `count` worker threads, each with its share of the users (and of
 * `requests`, or of the arrivals of the open model), and merges what they measured exactly: counts add up,
 * latency histograms merge bucket by bucket, each second of the timeline from every worker's same second.
 * The threads start together once all are ready; an abort is forwarded to each; none outlives the run.
 */
export async function runInWorkers(
  options: NativeEngineOptions,
  count: number,
  monitors: RunMonitors,
  setup?: unknown,
): Promise<FinishedRun> {
  const entry = workerEntry()
  const openModel = options.shape.model === 'open'
  const shares = Array.from({ length: count }, (_, index) => ({ index, count }))
  const shapes = shapesOfShares(options.shape, shares)
  const pooled = count === 1
  const workers = shares.map((share, index) => {
    const worker = acquireWorker(entry, pooled)
    worker.postMessage({
      type: 'job',
      job: toWorkerJob(options, share, shapes[index]!, setup),
    } satisfies ParentMessage)
    return worker
  })
  const merger = new TimelineMerger(count)
  const post = (message: ParentMessage): void => {
    for (const worker of workers) worker.postMessage(message)
  }
  let startedAt = 0
  let ready = 0
  const reportProgress = progressReporter(options)
  const start = (): void => {
    startedAt = performance.now()
    monitors.start()
    post({ type: 'start' })
  }
  const abort = (): void => post({ type: 'abort' })
  options.signal?.addEventListener('abort', abort, { once: true })

  const results = workers.map(
    (worker, index) =>
      new Promise<WorkerResult>((resolve, reject) => {
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'ready' && ++ready === count) start()
          else if (message.type === 'interval') {
            // A second every thread has reported is progress; the seconds that end the run are not.
            if (merger.add(index, message) && message.final !== true) {
              reportProgress(merger.progress(performance.now() - startedAt))
            }
          } else if (message.type === 'done') resolve(message.result)
          else if (message.type === 'failed')
            reject(new Error(`engine worker ${index} failed: ${message.message}`))
        })
        worker.once('error', reject)
        worker.once('exit', (code) =>
          reject(new Error(`engine worker ${index} exited (code ${code}) before its result`)),
        )
      }),
  )
  let finished: WorkerResult[]
  let succeeded = false
  try {
    finished = await Promise.all(results)
    // The app's measured window ends here, before this thread (the app's) merges what the workers measured.
    monitors.loadEnded()
    succeeded = true
  } finally {
    options.signal?.removeEventListener('abort', abort)
    await releaseWorkers(workers, pooled && succeeded)
  }

  const collector = new MetricsCollector({ timeline: false, serviceTimes: openModel, lateness: openModel })
  for (const result of finished) collector.merge(result.snapshot)
  const journey = options.journey === undefined ? undefined : mergeJourneys(options.journey, finished)
  return {
    ...journey,
    collector,
    timeline: merger.timeline(),
    aborted: finished.some((result) => result.aborted),
    open: openModel
      ? {
          dropped: finished.reduce((sum, result) => sum + (result.dropped ?? 0), 0),
          scheduled: finished.reduce((sum, result) => sum + (result.scheduled ?? 0), 0),
        }
      : undefined,
    workerHealth: finished.map((result) => result.health),
  }
}
