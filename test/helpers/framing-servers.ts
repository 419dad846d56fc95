import type { AddressInfo, Socket } from 'node:net'
import net from 'node:net'

/** A raw HTTP/1.1 server that answers each request head as `respond` says, whatever version it came in. */
export interface FramingServer {
  url: string
  /** Request heads received. */
  readonly count: number
  close(): Promise<void>
}

/** What a server writes for the `n`th request (1-based) with head `head`; `socket` to close it. */
export type Respond = (socket: Socket, head: string, n: number) => void

/** Starts a raw server on `host` (127.0.0.1 or ::1), port 0. Request bodies are skipped by Content-Length. */
export async function startFramingServer(
  respond: Respond,
  host: '127.0.0.1' | '::1' = '127.0.0.1',
): Promise<FramingServer> {
  let count = 0
  const sockets = new Set<Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = Buffer.alloc(0)
    let skip = 0
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (skip > 0) {
          const skipped = Math.min(skip, pending.length)
          pending = pending.subarray(skipped)
          skip -= skipped
          if (skip > 0) return
        }
        const end = pending.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = pending.subarray(0, end).toString('latin1')
        pending = pending.subarray(end + 4)
        skip = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        count++
        if (!socket.destroyed) respond(socket, head, count)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: host === '::1' ? `http://[::1]:${port}/` : `http://127.0.0.1:${port}/`,
    get count() {
      return count
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

const OK = 'HTTP/1.1 200 OK\r\n'
const KEEP = 'Connection: keep-alive\r\n'

/** Canned responses. `echo…` say `Connection: keep-alive`; the others keep the connection silently. */
export const RESPONSES = {
  echo: ((socket) => socket.write(`${OK}${KEEP}Content-Length: 2\r\n\r\nok`)) as Respond,
  silentKeep: ((socket) => socket.write(`${OK}Content-Length: 2\r\n\r\nok`)) as Respond,
  silentChunked: ((socket) =>
    socket.write(`${OK}Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`)) as Respond,
  echoChunked: ((socket) =>
    socket.write(`${OK}${KEEP}Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`)) as Respond,
  /** HTTP/1.1 rules: a HEAD gets no body; keeps the connection silently. */
  silentHead: ((socket, head) =>
    socket.write(`${OK}Content-Length: 2\r\n\r\n${head.startsWith('HEAD') ? '' : 'ok'}`)) as Respond,
  echoHead: ((socket, head) =>
    socket.write(`${OK}${KEEP}Content-Length: 2\r\n\r\n${head.startsWith('HEAD') ? '' : 'ok'}`)) as Respond,
  /** 200 header lines. */
  manyHeaders: ((socket) => {
    let head = `${OK}${KEEP}Content-Length: 2\r\n`
    for (let index = 0; index < 200; index++) head += `x-header-${index}: ${'v'.repeat(20)}\r\n`
    socket.write(`${head}\r\nok`)
  }) as Respond,
  /** Closes the connection after every 7th response. */
  closeEvery7th: ((socket, _head, n) => {
    if (n % 7 === 0) socket.end(`${OK}Connection: close\r\nContent-Length: 2\r\n\r\nok`)
    else socket.write(`${OK}${KEEP}Content-Length: 2\r\n\r\nok`)
  }) as Respond,
  noContentWithBody: ((socket) =>
    socket.write(`HTTP/1.1 204 No Content\r\n${KEEP}Content-Length: 2\r\n\r\nok`)) as Respond,
  /** Announces 10 bytes, sends 2, closes. */
  truncated: ((socket) => socket.end(`${OK}Content-Length: 10\r\n\r\nok`)) as Respond,
  /** Keeps HTTP/1.0 keep-alive connections silently, but closes when the request did not ask for keep-alive. */
  silentKeepHonouringClose: ((socket, head) => {
    if (/\r\nconnection: *keep-alive/i.test(head)) socket.write(`${OK}Content-Length: 2\r\n\r\nok`)
    else socket.end(`${OK}Content-Length: 2\r\n\r\nok`)
  }) as Respond,
  /** A 103 Early Hints interim response before each 200. */
  interim: ((socket) =>
    socket.write(
      `HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n${OK}${KEEP}Content-Length: 2\r\n\r\nok`,
    )) as Respond,
  /** Answers HEAD with a body, against the rules. */
  headWithBody: ((socket) => socket.write(`${OK}${KEEP}Content-Length: 2\r\n\r\nok`)) as Respond,
  /** Never answers (a slowloris server from the client's side). */
  silent: (() => {}) as Respond,
}
