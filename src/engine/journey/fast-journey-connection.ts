import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { type ConnectionPolicy, connectionPolicyOf } from '../transports/connection-policy.ts'
import { FastConnection, type FastConnectionOwner } from '../transports/fast-connection.ts'
import { encodeRequestTo, type Target, targetOf } from '../transports/fast-request.ts'
import { IDEMPOTENT_METHODS } from '../transports/unanswered.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/** A step's request on the fast transport: its bytes, and whether it may be sent again (idempotent). */
interface FastWire {
  bytes: Buffer
  idempotent: boolean
}

/**
 * A journey user's connection on the engine's own HTTP/1.1 client, one request at a time, on the
 * FastConnection the run's users have: the run's TLS options and head limit, the server's keep-alive hint,
 * one more try on a new connection for an idempotent request the server closed a kept-alive connection
 * under, and a turn of the event loop before reusing a connection whose HEAD/204/304 response announced a
 * body.
 */
class FastJourneyConnection implements JourneyConnection, FastConnectionOwner {
  private readonly connection: FastConnection
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
  private keep = false
  private status = 0
  private rawHeaders: string[] | null = null
  private body: Buffer[] | null = null

  constructor(target: Target, policy: ConnectionPolicy, handler: ConnectionHandler, now: () => number) {
    this.handler = handler
    this.now = now
    this.connection = new FastConnection(target, policy, this, now, { maxHeadBytes: policy.maxHeadBytes })
  }

  send(request: unknown, keep: boolean, head: boolean, _now: number): void {
    const connection = this.connection
    this.request = request as FastWire
    this.retried = false
    this.keep = keep
    connection.parser.configure(keep, head)
    if (connection.reading || connection.validating) this.pending = true
    else this.write()
  }

  get awaitsAnswer(): boolean {
    return this.request !== null && !this.pending
  }

  abort(reason: Error): void {
    if (this.request !== null) this.failInFlight(reason)
  }

  close(): void {
    this.request = null
    this.pending = false
    this.connection.drop()
  }

  onResponseHead(status: number, rawHeaders: string[] | null): void {
    if (!this.awaitsAnswer) {
      // A response to nothing (a second answer to the last request; the next one is not written yet): the
      // connection can't be trusted, the next request goes out on a new one.
      this.connection.drop()
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
    this.request = null
    this.status = 0
    this.rawHeaders = null
    this.body = null
    this.connection.responseEnded(keepAlive)
    this.handler.onResponse(status, rawHeaders, body)
  }

  writeWaiting(): void {
    if (!this.pending || this.connection.validating) return
    this.pending = false
    if (this.request !== null) this.write()
  }

  mayResend(): boolean {
    return !this.retried && this.request!.idempotent
  }

  resend(): void {
    this.retried = true
    this.write()
  }

  failInFlight(error: Error): void {
    const { status } = this
    this.request = null
    this.pending = false
    this.status = 0
    this.rawHeaders = null
    this.body = null
    this.connection.drop()
    this.handler.onFailure(error, status)
  }

  /** Writes the request in flight, on a new connection when the old one is closing or idle too long. */
  private write(): void {
    const now = this.now()
    this.connection.socketToWrite(now, true).write(this.request!.bytes)
    this.connection.lastActiveAt = now
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
    connect: (handler, now) => new FastJourneyConnection(target, policy, handler, now),
  }
}
