// A loopback server in a worker thread of its own (test/helpers/stall-server.ts, bench/quiet-claims.mjs):
// once per period, every response is held until the stall window ends. Messages: 'holdTimes' (answered with
// how long the server held each request it answered since the last ask, ms), anything else closes it.
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')

const { periodMs, stallMs } = workerData
const epoch = performance.now()
let held = []
let arrivals = []
// Whether the held responses' release is scheduled.
let releasing = false
const holdTimes = []
const flush = () => {
  releasing = false
  const now = performance.now()
  for (let index = 0; index < held.length; index++) {
    held[index].end('ok')
    holdTimes.push(now - arrivals[index])
  }
  held = []
  arrivals = []
}
const server = http.createServer((_request, response) => {
  const now = performance.now()
  const phase = (now - epoch) % periodMs
  if (phase >= stallMs) {
    holdTimes.push(0)
    return response.end('ok')
  }
  held.push(response)
  arrivals.push(now)
  if (releasing) return
  releasing = true
  setTimeout(flush, stallMs - phase)
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
