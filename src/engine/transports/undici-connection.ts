import { Client, type Dispatcher } from 'undici'
import { tlsReason } from '../classify-error.ts'
import { type ClientOptions, speaksHttp2 } from './undici-client-options.ts'
import { explain, isClosedUnderUs, isGracefulGoaway } from './undici-responses.ts'
import { refusedTwice, StreamLedger } from './undici-streams.ts'

/**
 * One keep-alive connection on an undici `Client`, the part the run's users and journey users share: a new
 * client when there is none or its HTTP/2 session broke, pipelining (when asked) only once the connection
 * has answered and stayed open, the rule for sending a lost request once more, and undici's errors in the
 * engine's words (a new client after a failed handshake). Its owner dispatches on it with its own handlers.
 */
export class UndiciConnection {
  /** Responses on the client's current connection: a request lost on a reused one may be sent again. */
  answered = 0
  /** More than one request may be in flight on the connection (never over HTTP/2: it multiplexes). */
  readonly pipelines: boolean
  /** HTTP/2: which streams the server never ran (null over HTTP/1.1). */
  readonly streams: StreamLedger | null
  private client: Client | null = null
  /** The connection answered and stayed open: undici may pipeline on it (until then one at a time). */
  private proven = false
  private readonly origin: string
  private readonly options: ClientOptions
  private readonly maxHeaderSize: number

  constructor(origin: string, options: ClientOptions) {
    this.origin = origin
    this.options = options
    const pipelining = options.pipelining ?? 1
    this.pipelines = pipelining > 1 && !speaksHttp2(options)
    this.streams = speaksHttp2(options) ? new StreamLedger() : null
    this.maxHeaderSize = options.maxHeaderSize ?? 16 * 1024
  }

  /** A client is open (a cut or a drop leaves none until the next dispatch). */
  get open(): boolean {
    return this.client !== null
  }

  /** Sends `request` through `handler`, on a new client when there is none or its HTTP/2 session broke. */
  dispatch(request: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    if (this.client !== null && this.streams?.wedged === true) this.drop()
    this.client ??= this.createClient()
    this.client.dispatch(request, handler)
  }

  /** A response has ended on the connection. */
  responded(): void {
    this.answered++
    if (this.pipelines && !this.proven) this.proveAfterClose()
  }

  /**
   * The server never ran the request that failed with `error`: an HTTP/2 stream refused, or above a
   * GOAWAY's last stream id (`connection` and `stream` as the StreamLedger numbered them at onConnect).
   */
  neverRan(status: number, connection: number, stream: number, error: Error): boolean {
    return status === 0 && this.streams?.unprocessed(connection, stream, error) === true
  }

  /**
   * A lost request goes out once more (on a new connection when its own is gone), as every HTTP client
   * does: whatever its method when the server never ran it (neverRan), and when idempotent if the server
   * closed a kept-alive connection under it before any byte of an answer (a FIN between responses), or
   * went away gracefully (HTTP/2 GOAWAY NO_ERROR: undici 7 ends the streams it would let finish, answered
   * in part or not).
   */
  mayResend(idempotent: boolean, status: number, error: Error): boolean {
    if (!idempotent) return false
    if (isGracefulGoaway(error)) return true
    return status === 0 && this.answered > 0 && isClosedUnderUs(error)
  }

  /** Sends a lost request once more. */
  resend(request: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.answered = 0
    this.dispatch(request, handler)
  }

  /** The error a failed request is counted as; after a failed handshake the next request gets a new client. */
  failure(error: Error, status: number, neverRan: boolean): Error {
    // undici's client hangs the next request after a hostname mismatch.
    if (this.client !== null && tlsReason(error) !== undefined) this.drop()
    return neverRan ? refusedTwice(error) : explain(error, status, this.maxHeaderSize)
  }

  /**
   * Cuts every request in flight: the client is destroyed with `reason`, which undici hands to each of them,
   * and the next request gets a new client (a new connection, as after any cut).
   */
  cut(reason: Error): void {
    const client = this.client
    this.client = null
    client?.destroy(reason).catch(() => {})
  }

  drop(): void {
    const client = this.client
    this.client = null
    client?.destroy().catch(() => {})
  }

  /** A new client, pipelining only once its connection has answered and stayed open. */
  private createClient(): Client {
    const client = new Client(this.origin, this.options)
    this.streams?.watch(client)
    if (this.pipelines) client.pipelining = 1
    client.on('connect', () => {
      if (client !== this.client) return
      this.answered = 0
      if (!this.pipelines) return
      this.proven = false
      client.pipelining = 1
    })
    return client
  }

  /**
   * undici closes a connection a response closed on the next turn of the event loop: if it is still open
   * then, it stays open, and pipelining may begin on it.
   */
  private proveAfterClose(): void {
    const client = this.client
    let closed = false
    client?.once('disconnect', () => {
      closed = true
    })
    setImmediate(() => {
      if (closed || client !== this.client || client === null) return
      this.proven = true
      client.pipelining = this.options.pipelining ?? 1
    })
  }
}
