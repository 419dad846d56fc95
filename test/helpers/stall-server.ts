import { Worker } from 'node:worker_threads'

/** A loopback server in its own thread, so its timers keep time while the generator works. */
export interface StallServer {
  url: string
  /** How long the server held each request it answered since the last ask (ms), as the server saw it. */
  holdTimes(): Promise<number[]>
  close(): Promise<void>
}

/**
 * Starts a server on 127.0.0.1 (port 0) that, once every `periodMs`, holds every response for `stallMs`:
 * a request arriving `t` ms into a stall is answered at its end, `stallMs − t` later.
 */
export async function startStallServer({ periodMs = 1000, stallMs = 300 } = {}): Promise<StallServer> {
  const worker = new Worker(new URL('./stall-server-worker.cjs', import.meta.url), {
    workerData: { periodMs, stallMs },
  })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    url: `http://127.0.0.1:${port}`,
    holdTimes: async () => {
      const reply = new Promise<number[]>((resolve) => worker.once('message', resolve))
      worker.postMessage('holdTimes')
      return reply
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('close')
      await exited
    },
  }
}
