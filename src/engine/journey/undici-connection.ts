import { Client, type Dispatcher } from 'undici'
import type { ResolvedLoadOptions } from '../../options.ts'
import { headersToSend, KEEP_ALIVE_MS } from '../transports/framing.ts'
import type { ConnectionHandler, JourneyConnection, JourneyTransport, WireRequest } from './connection.ts'

/** A journey user's connection on an undici `Client`; it is its own dispatch handler (one request at a time). */
class UndiciConnection implements JourneyConnection, Dispatcher.DispatchHandler {
  private client: Client | null = null
  private status = 0
  private rawHeaders: Buffer[] | null = null
  private body: Buffer[] | null = null
  private keep = false
  private busy = false
  private readonly origin: string
  private readonly clientOptions: Client.Options
  private readonly handler: ConnectionHandler

  constructor(origin: string, clientOptions: Client.Options, handler: ConnectionHandler) {
    this.origin = origin
    this.clientOptions = clientOptions
    this.handler = handler
  }

  send(request: unknown, keep: boolean, _head: boolean, _now: number): void {
    this.keep = keep
    this.busy = true
    this.body = keep ? [] : null
    this.client ??= new Client(this.origin, this.clientOptions)
    this.client.dispatch(request as Dispatcher.DispatchOptions, this)
  }

  abort(reason: Error): void {
    const client = this.client
    if (!this.busy || client === null) return
    this.client = null
    client.destroy(reason).catch(() => {})
  }

  close(): void {
    const client = this.client
    this.client = null
    client?.destroy().catch(() => {})
  }

  onConnect(): void {}

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
    this.reset()
    this.handler.onResponse(status, rawHeaders, body)
  }

  onError(error: Error): void {
    const { status } = this
    this.reset()
    this.handler.onFailure(error, status)
  }

  onUpgrade(): void {}

  onBodySent(): void {}

  private reset(): void {
    this.busy = false
    this.status = 0
    this.rawHeaders = null
    this.body = null
  }
}

/** Journeys on undici (`transport: 'undici'`): a step's dispatch options are built once when it is static. */
export function undiciJourneyTransport(options: ResolvedLoadOptions): JourneyTransport {
  const clientOptions: Client.Options = {
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // A backstop: the run's sweep cuts a request at its step's timeout.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  }
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
    connect: (handler) => new UndiciConnection(origin, clientOptions, handler),
  }
}
