import { Worker } from 'node:worker_threads'

/** A loopback server in its own thread, so its timers keep time while the generator works. */
export interface StallServer {
  url: string
  /** How long the server held each request it answered so far (ms), as the server saw it. */
  holdTimes(): Promise<number[]>
  close(): Promise<void>
}

// Runs in the worker: once per period, every response is held until the stall window ends.
const WORKER_SOURCE = `
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const { periodMs, stallMs } = workerData
const epoch = performance.now()
let held = []
let arrivals = []
let release
const holdTimes = []
const flush = () => {
  release = undefined
  const now = performance.now()
  for (let index = 0; index < held.length; index++) {
    held[index].end('ok')
    holdTimes.push(now - arrivals[index])
  }
  held = []
  arrivals = []
}
const server = http.createServer((request, response) => {
  const now = performance.now()
  const phase = (now - epoch) % periodMs
  if (phase >= stallMs) {
    holdTimes.push(0)
    return response.end('ok')
  }
  held.push(response)
  arrivals.push(now)
  release ??= setTimeout(flush, stallMs - phase)
})
server.keepAliveTimeout = 60000
const sockets = new Set()
server.on('connection', (socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
parentPort.on('message', (message) => {
  if (message === 'holdTimes') return parentPort.postMessage(holdTimes.splice(0))
  for (const socket of sockets) socket.destroy()
  server.close(() => process.exit(0))
})
`

/**
 * Starts a server on 127.0.0.1 (port 0) that, once every `periodMs`, holds every response for `stallMs`:
 * a request arriving `t` ms into a stall is answered at its end, `stallMs − t` later.
 */
export async function startStallServer({ periodMs = 1000, stallMs = 300 } = {}): Promise<StallServer> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { periodMs, stallMs } })
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
