import http2 from 'node:http2'
import net, { type AddressInfo } from 'node:net'

const { NGHTTP2_NO_ERROR } = http2.constants

/** An h2c server on 127.0.0.1, port 0, that counts what it did. Close it in `afterEach`. */
export interface Http2TestServer {
  url: string
  /** Streams whose request the server ran (it answered them, or began to). */
  readonly processed: number
  /** Streams the server received, run or not. */
  readonly received: number
  close(): Promise<void>
}

/** What the server does with a stream: `index` counts the streams of its session from 1. */
type OnStream = (stream: http2.ServerHttp2Stream, index: number, server: Counts) => void

interface Counts {
  processed: number
}

async function startHttp2Server(
  onStream: OnStream,
  options: http2.ServerOptions = {},
): Promise<Http2TestServer> {
  const counts = { processed: 0, received: 0 }
  const sessions = new Set<http2.ServerHttp2Session>()
  const indexes = new WeakMap<http2.ServerHttp2Session, number>()
  const server = http2.createServer(options)
  server.on('session', (session) => {
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
    session.on('error', () => {})
  })
  server.on('stream', (stream) => {
    stream.on('error', () => {})
    counts.received++
    const index = (indexes.get(stream.session as http2.ServerHttp2Session) ?? 0) + 1
    indexes.set(stream.session as http2.ServerHttp2Session, index)
    onStream(stream, index, counts)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    get processed() {
      return counts.processed
    },
    get received() {
      return counts.received
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy()
        server.close(() => resolve())
      }),
  }
}

function answer(stream: http2.ServerHttp2Stream, counts: Counts): void {
  counts.processed++
  stream.respond({ ':status': 200 })
  stream.end('ok')
}

/**
 * Answers `perSession` streams of each connection, then goes away as RFC 9113 §6.8 describes a graceful
 * shutdown: GOAWAY (NO_ERROR) naming the last stream it ran, once the client has read every response
 * (a PING's answer follows them). Streams that came after the last one it ran are never run.
 */
export function goesAwayAfter(perSession: number): Promise<Http2TestServer> {
  const sessions = new WeakMap<http2.ServerHttp2Session, { open: number; lastId: number; going: boolean }>()
  return startHttp2Server((stream, index, counts) => {
    if (index > perSession) return // never run: above the last stream id the GOAWAY names
    const session = stream.session as http2.ServerHttp2Session
    const state = sessions.get(session) ?? { open: 0, lastId: 0, going: false }
    sessions.set(session, state)
    state.open++
    state.lastId = Math.max(state.lastId, stream.id ?? 0)
    if (index === perSession) state.going = true
    stream.on('close', () => {
      if (--state.open > 0 || !state.going) return
      session.ping(() => {
        if (!session.destroyed) session.goaway(NGHTTP2_NO_ERROR, state.lastId)
      })
    })
    answer(stream, counts)
  })
}

/**
 * Runs no stream: a raw HTTP/2 server (Node's cannot name stream 0) that answers each request's HEADERS
 * with a GOAWAY (NO_ERROR) whose last stream id is 0.
 */
export async function goesAwayAtOnce(): Promise<Http2TestServer> {
  let received = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.write(frame(4, 0, Buffer.alloc(0)))
    let pending = Buffer.alloc(0)
    let prefaced = false
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      if (!prefaced) {
        if (pending.length < PREFACE_BYTES) return
        pending = pending.subarray(PREFACE_BYTES)
        prefaced = true
      }
      while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
        const type = pending[3]
        const flags = pending[4] ?? 0
        pending = pending.subarray(9 + pending.readUIntBE(0, 3))
        if (type === 4 && (flags & 1) === 0) socket.write(frame(4, 1, Buffer.alloc(0)))
        if (type === 1) {
          received++
          socket.write(frame(7, 0, Buffer.alloc(8)))
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    processed: 0,
    get received() {
      return received
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

// The client's connection preface: PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n.
const PREFACE_BYTES = 24

/** An HTTP/2 frame on stream 0. */
function frame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9)
  head.writeUIntBE(payload.length, 0, 3)
  head[3] = type
  head[4] = flags
  return Buffer.concat([head, payload])
}

/**
 * Announces a shutdown on the `nth` stream of each connection: GOAWAY (NO_ERROR) with the highest stream
 * id, as the first GOAWAY of RFC 9113 §6.8's graceful shutdown does, ahead of the answers to that stream
 * and to any after it. Every stream the server receives runs (and is counted) when it arrives.
 */
export function announcesShutdownAt(nth: number): Promise<Http2TestServer> {
  return startHttp2Server((stream, index, counts) => {
    if (index < nth) {
      answer(stream, counts)
      return
    }
    counts.processed++
    if (index === nth) (stream.session as http2.ServerHttp2Session).goaway(NGHTTP2_NO_ERROR, 2 ** 31 - 1)
    setImmediate(() => {
      if (stream.destroyed) return
      stream.respond({ ':status': 200 })
      stream.end('ok')
    })
  })
}

/**
 * Answers each stream, and closes each connection after `perSession` of them with Node's own graceful
 * `session.close()` (GOAWAY NO_ERROR, then the streams in progress finish), as a server with a limit of
 * requests per connection does. The GOAWAY goes out ahead of the last response's body.
 */
export function closesAfter(perSession: number): Promise<Http2TestServer> {
  return startHttp2Server((stream, index, counts) => {
    answer(stream, counts)
    if (index === perSession) (stream.session as http2.ServerHttp2Session).close()
  })
}

/** Resets every `nth` stream of each connection with `code` before running it; answers the others. */
export function resetsStreams(nth: number, code: number): Promise<Http2TestServer> {
  return startHttp2Server((stream, index, counts) => {
    if (index % nth === 0) stream.close(code)
    else answer(stream, counts)
  })
}

/** Answers each stream with `headers` response headers of `bytes` bytes each (CONTINUATION frames). */
export function bigHeaders(headers: number, bytes: number): Promise<Http2TestServer> {
  const value = 'x'.repeat(bytes)
  const fields = Object.fromEntries(Array.from({ length: headers }, (_, i) => [`x-big-${i}`, value]))
  return startHttp2Server(
    (stream, _index, counts) => {
      counts.processed++
      stream.respond({ ':status': 200, ...fields })
      stream.end('ok')
    },
    { maxSendHeaderBlockLength: 2 * headers * bytes },
  )
}
