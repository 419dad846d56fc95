import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'

/** What a journey user hears from its connection: exactly one of onResponse / onFailure per request. */
export interface ConnectionHandler {
  /** Body bytes received (the run's byte count). */
  onBytes(count: number): void
  /** `rawHeaders` and `body` are kept only when the request asked for them. */
  onResponse(
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    body: readonly Buffer[] | null,
  ): void
  /** The request ended with an error; `status` > 0 when its response head had come. */
  onFailure(error: Error, status: number): void
}

/** A request as a transport sends it: prebuilt once for a static step, built per request otherwise. */
export interface WireRequest {
  method: string
  /** Origin-form target: path and query. */
  target: string
  headers: Readonly<Record<string, string>>
  body: Buffer | undefined
}

/** One journey user's keep-alive connection: one request in flight at a time. */
export interface JourneyConnection {
  /**
   * Sends a request built by its transport's `build`; `keep` keeps the response's headers and body, `head`
   * says it is a HEAD request (no body comes back), `now` is the run clock's time.
   */
  send(request: unknown, keep: boolean, head: boolean, now: number): void
  /** Cuts the request in flight; onFailure follows with `reason` (unless it already ended). */
  abort(reason: Error): void
  close(): void
}

/** A transport for journeys: how it builds a request and opens a user's connection. */
export interface JourneyTransport {
  build(request: WireRequest): unknown
  connect(handler: ConnectionHandler, now: () => number): JourneyConnection
}

/** Builds a run's journey transport once: the run's request (its url, TLS, HTTP/2), the engine's limits, the longest step timeout. */
export type JourneyTransportFactory = (
  request: ResolvedRequest,
  native: NativeOptions,
  timeoutMs: number,
) => JourneyTransport
