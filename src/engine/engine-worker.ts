// The entry of a native-engine worker thread (built to dist/engine-worker.{mjs,cjs}): runs its share of a
// run and reports to the parent, which merges the shares (run-workers.ts); then waits for its next job.
import { parentPort } from 'node:worker_threads'
import { encodeHistogram } from '../metrics/histogram.ts'
import { EngineRun } from './engine-run.ts'
import { GeneratorMonitor } from './monitor/generator.ts'
import { fromWorkerJob, type ParentMessage, type WorkerJob, type WorkerMessage } from './worker-protocol.ts'

const port = parentPort!
const post = (message: WorkerMessage): void => port.postMessage(message)

let engine: EngineRun | undefined
let started = false

/** Takes the parent's environment of this run: this thread may have been started for an earlier one. */
function adoptEnv(env: WorkerJob['env']): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name]
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value
}

/** An abort that came while the run's transport was loading: the run, once built, sends nothing. */
let abortWhilePreparing = false

async function prepare(job: WorkerJob): Promise<void> {
  adoptEnv(job.env)
  engine = undefined
  abortWhilePreparing = false
  const prepared = await EngineRun.create(
    await fromWorkerJob(job),
    job.share,
    {
      onInterval: ({ requests, errors, activeUsers, histogram, phase, final }) =>
        post({
          type: 'interval',
          requests,
          errors,
          activeUsers,
          histogram: encodeHistogram(histogram),
          phase,
          final,
        }),
    },
    { setup: job.setup, inWorker: true },
  )
  if (abortWhilePreparing) prepared.abort()
  engine = prepared
  started = false
  post({ type: 'ready' })
}

async function runAndReport(run: EngineRun): Promise<void> {
  const monitor = new GeneratorMonitor()
  monitor.start()
  await run.run()
  const { executor } = run
  const open = 'dropped' in executor
  const health = monitor.stop({ busyWaits: open })
  post({
    type: 'done',
    result: {
      snapshot: run.collector.snapshot(),
      aborted: run.aborted,
      dropped: open ? executor.dropped : undefined,
      scheduled: open ? executor.scheduled : undefined,
      health,
      ...(run.journey === undefined ? {} : { journey: run.journey.stats.snapshot() }),
    },
  })
}

port.on('message', (message: ParentMessage) => {
  if (message.type === 'job') {
    prepare(message.job).catch(reportFailure)
    return
  }
  if (engine === undefined) {
    if (message.type === 'abort') abortWhilePreparing = true
    return
  }
  if (message.type === 'abort') engine.abort()
  if (started) return
  started = true
  runAndReport(engine).catch(reportFailure)
})

function reportFailure(error: unknown): void {
  post({
    type: 'failed',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  })
}
