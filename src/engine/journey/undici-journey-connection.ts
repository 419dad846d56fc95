import type { Dispatcher } from 'undici'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { headersToSend } from '../transports/framing.ts'
import { IDEMPOTENT_METHODS } from '../transports/unanswered.ts'
import { type UndiciLimits, undiciClientOptions } from '../transports/undici-client-options.ts'
import { UndiciConnection } from '../transports/undici-connection.ts'
import { MISMATCH } from '../transports/undici-responses.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/**
 * A journey user's connection on the UndiciConnection the run's users have; it is its own dispatch handler
 * (one request at a time). The rules of the undici transport hold: one more try for a request the server
 * never ran (an HTTP/2 stream refused or above a GOAWAY's last stream id) and for an idempotent one the
 * server closed a kept-alive connection under, a new client after a TLS failure or a broken HTTP/2 session,
 * undici's errors in the engine's words.
 */
class UndiciJourneyConnection implements JourneyConnection, Dispatcher.DispatchHandler {
  private readonly connection: UndiciConnection
  private request: Dispatcher.DispatchOptions | null = null
  private retried = false
  private status = 0
  private rawHeaders: Buffer[] | null = null
  private body: Buffer[] | null = null
  private keep = false
  /** The request in flight is HEAD: its response has no body (the connector's filter asks). */
  private head = false
  /** HTTP/2: the request's connection and stream, as the connection's StreamLedger numbers them. */
  private streamConnection = 0
  private stream = 0
  private readonly handler: ConnectionHandler

  constructor(origin: string, options: ResolvedRequest, limits: UndiciLimits, handler: ConnectionHandler) {
    // Per connection: its connector reads whether the step in flight is HEAD.
    this.connection = new UndiciConnection(
      origin,
      undiciClientOptions(options, limits, () => this.head),
    )
    this.handler = handler
  }

  send(request: unknown, keep: boolean, head: boolean, _now: number): void {
    this.keep = keep
    this.head = head
    this.request = request as Dispatcher.DispatchOptions
    this.retried = false
    this.body = keep ? [] : null
    this.connection.dispatch(this.request, this)
  }

  abort(reason: Error): void {
    if (this.request === null || !this.connection.open) return
    this.connection.cut(reason)
  }

  close(): void {
    this.connection.drop()
  }

  onConnect(): void {
    const streams = this.connection.streams
    if (streams === null) return
    this.streamConnection = streams.connection
    this.stream = streams.open()
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true
    this.status = status
    if (this.keep) this.rawHeaders = rawHeaders
    return true
  }

  onData(chunk: Buffer): boolean {
    this.handler.onBytes(chunk.length)
    if (this.body !== null) this.body.push(chunk)
    return true
  }

  onComplete(): void {
    const { status, rawHeaders, body } = this
    this.connection.responded()
    this.reset()
    this.handler.onResponse(status, rawHeaders, body)
  }

  onError(error: Error): void {
    const { status, request, connection } = this
    const unrun = connection.neverRan(status, this.streamConnection, this.stream, error)
    if (
      !this.retried &&
      request !== null &&
      connection.open &&
      (unrun || connection.mayResend(IDEMPOTENT_METHODS.has(request.method), status, error))
    ) {
      // Never run, or lost on a kept-alive connection the server closed: once more (on a new one if gone).
      this.retried = true
      this.status = 0
      this.rawHeaders = null
      if (this.body !== null) this.body = []
      connection.resend(request, this)
      return
    }
    if ((status === 204 || status === 304) && (error as { code?: unknown }).code === MISMATCH) {
      // A 204/304 has no body whatever its Content-Length says: it counts as its status (as on the run's users).
      this.onComplete()
      return
    }
    const reported = connection.failure(error, status, unrun)
    this.reset()
    this.handler.onFailure(reported, status)
  }

  onUpgrade(): void {}

  onBodySent(): void {}

  private reset(): void {
    this.request = null
    this.status = 0
    this.rawHeaders = null
    this.body = null
  }
}

/** Journeys on undici (`transport: 'undici'`): a step's dispatch options are built once when it is static. */
export function undiciJourneyTransport(
  options: ResolvedRequest,
  native: NativeOptions,
  timeoutMs: number,
): JourneyTransport {
  // One request at a time: a step waits for the previous response.
  const limits: UndiciLimits = { pipelining: 1, maxHeaderSize: native.maxHeaderSize, timeoutMs }
  const { origin } = options.url
  return {
    build: ({ method, target, headers, body }: WireRequest): Dispatcher.DispatchOptions => ({
      path: target,
      method,
      headers: Object.fromEntries(headersToSend(headers)),
      body: body ?? null,
      blocking: false,
      reset: false,
    }),
    connect: (handler) => new UndiciJourneyConnection(origin, options, limits, handler),
  }
}
