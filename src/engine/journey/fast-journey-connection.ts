import type net from 'node:net'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { type ConnectionPolicy, connectionPolicyOf } from '../transports/connection-policy.ts'
import { encodeRequestTo, type Target, targetOf } from '../transports/fast-request.ts'
import { KEEP_ALIVE_MS } from '../transports/framing.ts'
import {
  type ConnectionEvents,
  closedConnectionError,
  openConnection,
} from '../transports/open-connection.ts'
import { type ResponseHandler, ResponseParser } from '../transports/response-parser.ts'
import { IDEMPOTENT_METHODS, isClosedUnderUs } from '../transports/unanswered.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/** A step's request on the fast transport: its bytes, and whether it may be sent again (idempotent). */
interface FastWire {
  bytes: Buffer
  idempotent: boolean
}

/**
 * A journey user's connection on the engine's own HTTP/1.1 client, one request at a time. It keeps the
 * fast transport's rules: the run's TLS options and head limit, the server's keep-alive hint, one more try
 * on a new connection for an idempotent request the server closed a kept-alive connection under, and a
 * turn of the event loop before reusing a connection whose HEAD/204/304 response announced a body.
 */
class FastConnection implements JourneyConnection, ResponseHandler {
  private socket: net.Socket | null = null
  private readonly parser: ResponseParser
  private readonly target: Target
  private readonly policy: ConnectionPolicy
  /** What its connections tell it (see openConnection), made once. */
  private readonly events: ConnectionEvents = {
    owns: (socket) => socket === this.socket,
    receive: (chunk, length) => this.receive(chunk, length),
    ended: () => {
      this.ended = true
    },
    lost: (error) => this.onConnectionLost(error),
  }
  private readonly handler: ConnectionHandler
  private readonly now: () => number
  /**
   * The request of the step (null when none): in flight once written (see `awaitsAnswer`), sent again once if
   * its connection closed before answering.
   */
  private request: FastWire | null = null
  private retried = false
  /** A request that waits for the end of a read, or of a stray-body check, before it is written. */
  private pending = false
  /** True while a read is parsed: a request sent meanwhile waits for its end (the rest may be a stray body). */
  private reading = false
  private validating = false
  private keep = false
  private status = 0
  private rawHeaders: string[] | null = null
  private body: Buffer[] | null = null
  private lastActiveAt = 0
  private idleLimitMs = KEEP_ALIVE_MS
  /** Responses on the current connection: only a reused one may have been closed under a request. */
  private answered = 0
  /** The server sent FIN: the connection takes no more requests. */
  private ended = false

  constructor(target: Target, policy: ConnectionPolicy, handler: ConnectionHandler, now: () => number) {
    this.target = target
    this.policy = policy
    this.handler = handler
    this.now = now
    this.parser = new ResponseParser(this, { maxHeadBytes: policy.maxHeadBytes })
  }

  send(request: unknown, keep: boolean, head: boolean, _now: number): void {
    this.request = request as FastWire
    this.retried = false
    this.keep = keep
    this.parser.configure(keep, head)
    if (this.reading || this.validating) this.pending = true
    else this.write()
  }

  /** A request is written and not answered yet: only then may bytes arrive on the connection. */
  private get awaitsAnswer(): boolean {
    return this.request !== null && !this.pending
  }

  abort(reason: Error): void {
    if (this.request !== null) this.fail(reason)
  }

  close(): void {
    this.request = null
    this.pending = false
    this.dropSocket()
  }

  onResponseHead(status: number, rawHeaders: string[] | null): void {
    if (!this.awaitsAnswer) {
      // A response to nothing (a second answer to the last request; the next one is not written yet): the
      // connection can't be trusted, the next request goes out on a new one.
      this.dropSocket()
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
    const { status, rawHeaders, body, parser } = this
    this.request = null
    this.status = 0
    this.rawHeaders = null
    this.body = null
    this.answered++
    if (!keepAlive) this.dropSocket()
    else {
      const hint = parser.keepAliveHintMs
      // A second's margin under the server's own timeout, as the fast transport keeps.
      if (hint > 0) this.idleLimitMs = Math.max(hint - 1000, hint / 2)
      if (parser.announcedBody && !this.validating) {
        // A body the server sends anyway would land where the next response belongs: wait a turn for it.
        this.validating = true
        setImmediate(this.endValidation)
      }
    }
    this.handler.onResponse(status, rawHeaders, body)
  }

  private readonly endValidation = (): void => {
    this.validating = false
    if (!this.pending) return
    this.pending = false
    if (this.request !== null) this.write()
  }

  /** Writes the request in flight, on a new connection when the old one is closing or idle too long. */
  private write(): void {
    const now = this.now()
    if (this.ended || now - this.lastActiveAt > this.idleLimitMs) this.dropSocket()
    const socket = this.socket ?? this.connect()
    socket.write(this.request!.bytes)
    this.lastActiveAt = now
  }

  private connect(): net.Socket {
    const socket = openConnection(this.target, this.policy, this.events)
    this.socket = socket
    this.answered = 0
    this.ended = false
    this.idleLimitMs = KEEP_ALIVE_MS
    return socket
  }

  private receive(chunk: Buffer, length: number): void {
    if (!this.awaitsAnswer) {
      this.dropSocket() // bytes nobody asked for (the pending request is not written yet)
      return
    }
    this.lastActiveAt = this.now()
    this.reading = true
    try {
      this.parser.execute(chunk, 0, length)
    } catch (error) {
      this.fail(error as Error)
    }
    this.reading = false
    // Bytes after the answer (a body after HEAD or 204): nobody asked for them.
    if (!this.awaitsAnswer && this.parser.inResponse) this.dropSocket()
    if (this.pending && !this.validating) {
      this.pending = false
      this.write()
    }
  }

  /** The connection closed (`error` null) or failed. */
  private onConnectionLost(error: Error | null): void {
    const reused = this.answered > 0
    this.socket = null
    // Nothing was written on it: a pending request goes out on a new connection when its wait ends.
    if (!this.awaitsAnswer) {
      this.parser.reset()
      return
    }
    // Completes a body that runs to the end of the connection: the next step may be written (on a new
    // connection) before this returns, and is not this one's to send again.
    const cut = error === null ? this.parser.finish() : this.parser.inResponse ? 'body' : 'none'
    const request = this.request
    if (request === null || this.socket !== null || this.pending) return
    if (cut === 'none' && reused && !this.retried && request.idempotent && isClosedUnderUs(error)) {
      // The server closed a kept-alive connection before it read this request: once more, on a new one.
      this.parser.reset()
      this.retried = true
      this.write()
      return
    }
    this.fail(error ?? closedConnectionError(cut))
  }

  private fail(error: Error): void {
    const { status } = this
    this.request = null
    this.pending = false
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
export function fastJourneyTransport(options: ResolvedRequest, native: NativeOptions): JourneyTransport {
  const target = targetOf(options.url)
  const policy = connectionPolicyOf(options, native, target)
  const { host } = options.url
  return {
    build: ({ method, target: path, headers, body }: WireRequest): FastWire => ({
      bytes: encodeRequestTo(method, path, host, headers, body),
      idempotent: IDEMPOTENT_METHODS.has(method),
    }),
    connect: (handler, now) => new FastConnection(target, policy, handler, now),
  }
}
