import { Client, type Dispatcher } from 'undici'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { tlsReason } from '../classify-error.ts'
import { headersToSend } from '../transports/framing.ts'
import { IDEMPOTENT_METHODS } from '../transports/unanswered.ts'
import {
  type ClientOptions,
  speaksHttp2,
  type UndiciLimits,
  undiciClientOptions,
} from '../transports/undici-client-options.ts'
import { explain, isClosedUnderUs, isGracefulGoaway, MISMATCH } from '../transports/undici-responses.ts'
import { refusedTwice, StreamLedger } from '../transports/undici-streams.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/**
 * A journey user's connection on an undici `Client`; it is its own dispatch handler (one request at a
 * time). The rules of the undici transport hold: one more try for a request the server never ran (an HTTP/2
 * stream refused or above a GOAWAY's last stream id) and for an idempotent one the server closed a
 * kept-alive connection under, a new client after a TLS failure or a broken HTTP/2 session, undici's errors
 * in the engine's words.
 */
class UndiciConnection implements JourneyConnection, Dispatcher.DispatchHandler {
  private client: Client | null = null
  private request: Dispatcher.DispatchOptions | null = null
  private retried = false
  private status = 0
  private rawHeaders: Buffer[] | null = null
  private body: Buffer[] | null = null
  private keep = false
  /** The request in flight is HEAD: its response has no body (the connector's filter asks). */
  private head = false
  /** Responses on the client's current connection: a request lost on a reused one may be sent again. */
  private answered = 0
  /** HTTP/2: which streams the server never ran (null over HTTP/1.1), and the request's connection and stream. */
  private readonly streams: StreamLedger | null
  private connection = 0
  private stream = 0
  private readonly origin: string
  private readonly clientOptions: ClientOptions
  private readonly handler: ConnectionHandler

  constructor(origin: string, options: ResolvedRequest, limits: UndiciLimits, handler: ConnectionHandler) {
    this.origin = origin
    // Per connection: its connector reads whether the step in flight is HEAD.
    this.clientOptions = undiciClientOptions(options, limits, () => this.head)
    this.handler = handler
    this.streams = speaksHttp2(this.clientOptions) ? new StreamLedger() : null
  }

  send(request: unknown, keep: boolean, head: boolean, _now: number): void {
    this.keep = keep
    this.head = head
    this.request = request as Dispatcher.DispatchOptions
    this.retried = false
    this.body = keep ? [] : null
    this.clientOf().dispatch(this.request, this)
  }

  abort(reason: Error): void {
    const client = this.client
    if (this.request === null || client === null) return
    this.client = null
    client.destroy(reason).catch(() => {})
  }

  close(): void {
    const client = this.client
    this.client = null
    client?.destroy().catch(() => {})
  }

  onConnect(): void {
    if (this.streams === null) return
    this.connection = this.streams.connection
    this.stream = this.streams.open()
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
    this.answered++
    this.reset()
    this.handler.onResponse(status, rawHeaders, body)
  }

  onError(error: Error): void {
    const { status, request, client } = this
    // The server never ran it: an HTTP/2 stream refused, or above a GOAWAY's last stream id.
    const unrun = status === 0 && this.streams?.unprocessed(this.connection, this.stream, error) === true
    if (!this.retried && request !== null && client !== null && (unrun || this.mayResend(request, error))) {
      // Never run, or lost on a kept-alive connection the server closed: once more (on a new one if gone).
      this.retried = true
      this.answered = 0
      this.status = 0
      this.rawHeaders = null
      if (this.body !== null) this.body = []
      this.clientOf().dispatch(request, this)
      return
    }
    if ((status === 204 || status === 304) && (error as { code?: unknown }).code === MISMATCH) {
      // A 204/304 has no body whatever its Content-Length says: it counts as its status (as on the run's users).
      this.onComplete()
      return
    }
    if (client !== null && tlsReason(error) !== undefined) {
      // undici's client hangs the next request after a hostname mismatch: a failed handshake gets a new one.
      this.client = null
      client.destroy().catch(() => {})
    }
    this.reset()
    const maxHeaderSize = this.clientOptions.maxHeaderSize ?? 16 * 1024
    this.handler.onFailure(unrun ? refusedTwice(error) : explain(error, status, maxHeaderSize), status)
  }

  onUpgrade(): void {}

  onBodySent(): void {}

  /** The undici transport's rule for a request the server may have run (UndiciUser.mayResend). */
  private mayResend(request: Dispatcher.DispatchOptions, error: Error): boolean {
    if (!IDEMPOTENT_METHODS.has(request.method)) return false
    if (isGracefulGoaway(error)) return true
    return this.status === 0 && this.answered > 0 && isClosedUnderUs(error)
  }

  /** The client to send on: a new one when there is none, or when its HTTP/2 session broke. */
  private clientOf(): Client {
    if (this.client !== null && this.streams?.wedged === true) this.close()
    if (this.client !== null) return this.client
    const client = new Client(this.origin, this.clientOptions)
    this.streams?.watch(client)
    client.on('connect', () => {
      if (client === this.client) this.answered = 0
    })
    this.client = client
    return client
  }

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
    connect: (handler) => new UndiciConnection(origin, options, limits, handler),
  }
}
