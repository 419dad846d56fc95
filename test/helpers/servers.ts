import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A loopback HTTP server for tests, counting what it receives. */
export interface TestServer {
  url: string
  port: number
  /** Requests the server has received (counted when the request arrives). */
  readonly count: number
  /** Remote ports of connections seen (to tell clients apart). */
  readonly remotePorts: Set<number>
  /** Replace the handler while the server runs. */
  setHandler(handler: http.RequestListener): void
  close(): Promise<void>
}

/** Responds 200 'ok' after `delayMs` (0 = immediately). */
export function delayed(delayMs: number, status = 200): http.RequestListener {
  return (_request, response) => {
    const reply = () => {
      response.statusCode = status
      response.end('ok')
    }
    if (delayMs > 0) setTimeout(reply, delayMs)
    else reply()
  }
}

/** Starts a server on 127.0.0.1, port 0. Close it in `afterEach`/`afterAll`. */
export async function startServer(handler: http.RequestListener = delayed(0)): Promise<TestServer> {
  let current = handler
  let count = 0
  const remotePorts = new Set<number>()
  const sockets = new Set<Socket>()
  const server = http.createServer((request, response) => {
    count++
    if (request.socket.remotePort !== undefined) remotePorts.add(request.socket.remotePort)
    current(request, response)
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get count() {
      return count
    },
    remotePorts,
    setHandler(next) {
      current = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
