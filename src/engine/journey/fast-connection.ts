import net from 'node:net'
import tls from 'node:tls'
import type { ResolvedLoadOptions } from '../../options.ts'
import { InvalidResponseError, SocketClosedError } from '../classify-error.ts'
import { encodeRequestTo, type Target, targetOf } from '../transports/fast-request.ts'
import { KEEP_ALIVE_MS } from '../transports/framing.ts'
import { type ResponseHandler, ResponseParser } from '../transports/response-parser.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/** One read buffer for every journey connection of the thread: each read is parsed before the next lands. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/** A journey user's connection on the engine's own HTTP/1.1 client: a request is one prebuilt buffer. */
class FastConnection implements JourneyConnection, ResponseHandler {
  private socket: net.Socket | null = null
  private readonly parser: ResponseParser
  private readonly target: Target
  private readonly handler: ConnectionHandler
  private busy = false
  private keep = false
  private status = 0
  private rawHeaders: string[] | null = null
  private body: Buffer[] | null = null
  private lastActiveAt = 0

  private readonly now: () => number

  constructor(target: Target, handler: ConnectionHandler, now: () => number) {
    this.target = target
    this.handler = handler
    this.now = now
    this.parser = new ResponseParser(this)
  }

  send(request: unknown, keep: boolean, head: boolean, now: number): void {
    // A connection idle past the keep-alive time may be closing on the server's side: use a new one.
    if (now - this.lastActiveAt > KEEP_ALIVE_MS) this.dropSocket()
    this.keep = keep
    this.busy = true
    this.parser.configure(keep, head)
    const socket = this.socket ?? this.connect()
    socket.write(request as Buffer)
    this.lastActiveAt = now
  }

  abort(reason: Error): void {
    if (this.busy) this.fail(reason)
  }

  close(): void {
    this.busy = false
    this.dropSocket()
  }

  onResponseHead(status: number, rawHeaders: string[] | null): void {
    if (!this.busy) {
      this.dropSocket() // a response to nothing: the connection can't be trusted
      return
    }
    this.status = status
    if (this.keep) {
      this.rawHeaders = rawHeaders
      this.body = []
    }
  }

  onResponseBody(chunk: Buffer, start: number, end: number): void {
    this.handler.onBytes(end - start)
    if (this.body !== null) this.body.push(Buffer.from(chunk.subarray(start, end)))
  }

  onResponseEnd(keepAlive: boolean): void {
    const { status, rawHeaders, body } = this
    this.busy = false
    this.status = 0
    this.rawHeaders = null
    this.body = null
    if (!keepAlive) this.dropSocket()
    this.handler.onResponse(status, rawHeaders, body)
  }

  private connect(): net.Socket {
    const { host, port, tls: secure, servername } = this.target
    let socket: net.Socket
    if (secure) {
      const options: tls.ConnectionOptions = { host, port, ALPNProtocols: ['http/1.1'] }
      if (servername !== undefined) options.servername = servername
      socket = tls.connect(options)
      socket.setNoDelay(true)
      socket.on('data', (chunk: Buffer) => this.receive(chunk, chunk.length))
    } else {
      socket = net.connect({
        host,
        port,
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback: this.onRead },
      })
    }
    socket.on('error', (error) => {
      if (socket === this.socket) this.fail(error)
    })
    socket.on('close', () => {
      if (socket === this.socket) this.onConnectionClosed()
    })
    this.socket = socket
    return socket
  }

  private readonly onRead = (length: number, buffer: Uint8Array): boolean => {
    this.receive(buffer as Buffer, length)
    return true
  }

  private receive(chunk: Buffer, length: number): void {
    if (!this.busy) {
      this.dropSocket() // bytes nobody asked for
      return
    }
    this.lastActiveAt = this.now()
    try {
      this.parser.execute(chunk, 0, length)
    } catch (error) {
      this.fail(error as Error)
    }
  }

  private onConnectionClosed(): void {
    this.socket = null
    if (!this.busy) {
      this.parser.reset()
      return
    }
    // Completes a body that runs to the end of the connection.
    const cut = this.parser.finish()
    if (!this.busy) return
    // The same verdicts as the fast transport's: a body cut short of its framing is an invalid response.
    if (cut === 'body') {
      this.fail(
        new InvalidResponseError(
          'the server closed the connection mid-body (shorter than its content-length or chunks)',
        ),
      )
    } else this.fail(new SocketClosedError(cut === 'head'))
  }

  private fail(error: Error): void {
    const { status } = this
    this.busy = false
    this.status = 0
    this.rawHeaders = null
    this.body = null
    this.dropSocket()
    this.handler.onFailure(error, status)
  }

  private dropSocket(): void {
    const socket = this.socket
    if (socket === null) return
    this.socket = null
    this.parser.reset()
    socket.destroy()
  }
}

/** Journeys on the fast transport (`transport: 'fast'`): a static step's bytes are encoded once. */
export function fastJourneyTransport(options: ResolvedLoadOptions): JourneyTransport {
  const target = targetOf(options.url)
  const { host } = options.url
  return {
    build: ({ method, target: path, headers, body }: WireRequest): Buffer =>
      encodeRequestTo(method, path, host, headers, body),
    connect: (handler, now) => new FastConnection(target, handler, now),
  }
}
