// The entry of a native-engine worker thread (built to dist/engine-worker.{mjs,cjs}): runs its share of a
// run and reports to the parent, which merges the shares (run-workers.ts).
import { parentPort, workerData } from 'node:worker_threads'
import { encodeHistogram } from '../metrics/histogram.ts'
import { GeneratorMonitor } from '../monitor/generator.ts'
import { EngineRun } from './engine-run.ts'
import { fromWorkerJob, type ParentMessage, type WorkerJob, type WorkerMessage } from './worker-protocol.ts'

const port = parentPort!
const post = (message: WorkerMessage): void => port.postMessage(message)
const job = workerData as WorkerJob

const engine = new EngineRun(
  fromWorkerJob(job),
  job.share,
  {
    onInterval: ({ requests, errors, activeUsers, histogram }) =>
      post({ type: 'interval', requests, errors, activeUsers, histogram: encodeHistogram(histogram) }),
  },
  { setup: job.setup, inWorker: true },
)
let started = false

async function runAndReport(): Promise<void> {
  const monitor = new GeneratorMonitor()
  monitor.start()
  await engine.run()
  const { executor } = engine
  const open = 'dropped' in executor
  post({
    type: 'done',
    result: {
      snapshot: engine.collector.snapshot(),
      aborted: engine.aborted,
      dropped: open ? executor.dropped : undefined,
      scheduled: open ? executor.scheduled : undefined,
      health: monitor.stop(),
      ...(engine.journey === undefined ? {} : { journey: engine.journey.stats.snapshot() }),
    },
  })
}

port.on('message', (message: ParentMessage) => {
  if (message.type === 'abort') engine.abort()
  if (started) return
  started = true
  runAndReport().catch((error: unknown) =>
    post({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  )
})
post({ type: 'ready' })
