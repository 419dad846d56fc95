import { Worker } from 'node:worker_threads'

/** A loopback server in its own thread, so its timers keep time while the generator works. */
export interface StallServer {
  url: string
  close(): Promise<void>
}

// Runs in the worker: once per period, every response is held until the stall window ends.
const WORKER_SOURCE = `
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const { periodMs, stallMs } = workerData
const epoch = performance.now()
let held = []
let release
const flush = () => {
  release = undefined
  const responses = held
  held = []
  for (const response of responses) response.end('ok')
}
const server = http.createServer((request, response) => {
  const phase = (performance.now() - epoch) % periodMs
  if (phase >= stallMs) return response.end('ok')
  held.push(response)
  release ??= setTimeout(flush, stallMs - phase)
})
server.keepAliveTimeout = 60000
const sockets = new Set()
server.on('connection', (socket) => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
parentPort.on('message', () => {
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
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('close')
      await exited
    },
  }
}
