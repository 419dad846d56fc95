import type { ClientHttp2Session } from 'node:http2'
import type { Client } from 'undici'
import { StreamRefusedError } from '../classify-error.ts'

/**
 * What the undici transport knows of a client's HTTP/2 streams, to tell the requests a server never ran
 * (RFC 9113 §6.8, §8.7): those on streams above the last stream id of a GOAWAY, and those refused with
 * REFUSED_STREAM. undici 7 fails every stream in flight on any GOAWAY, even a graceful one, and says
 * neither. A client opens its streams with ids 1, 3, 5, … in the order undici writes its requests, and
 * undici calls a request's onConnect just before it opens its stream: the ledger numbers them so, and
 * checks the count against the session's own when a GOAWAY comes.
 */
export class StreamLedger {
  /** The connections of the clients watched so far: a stream is known by its connection and its id. */
  connection = 0
  private opened = 0
  /** The session undici writes to on the current connection, until undici lets go of it. */
  private session: ClientHttp2Session | null = null
  private goneAway = 0
  private lastStreamId = 0

  /** Follows `client`'s connections (its sessions when it speaks HTTP/2). */
  watch(client: Client): void {
    client.on('connect', () => this.connected(client))
  }

  /** The id of the stream undici opens next on the current connection (called from onConnect). */
  open(): number {
    return 2 * this.opened++ + 1
  }

  /** True when the server never ran stream `streamId` of `connection`, which failed with `error`. */
  unprocessed(connection: number, streamId: number, error: Error): boolean {
    return (connection === this.goneAway && streamId > this.lastStreamId) || isRefusedStream(error)
  }

  /**
   * True when undici still writes to a session that is destroyed (after a protocol error, before its
   * socket has closed): undici 7 would throw out of its dispatch loop and then hang every request on that
   * client. The client is replaced instead.
   */
  get wedged(): boolean {
    return this.session?.destroyed === true
  }

  private connected(client: Client): void {
    const connection = ++this.connection
    this.opened = 0
    const session = sessionOf(client)
    this.session = session ?? null
    if (session === undefined) return
    // Before undici's own listener: it fails the streams in flight as it hears of the GOAWAY.
    session.prependListener('goaway', (_code: number, lastStreamId: number) => {
      if (this.session === session) this.session = null
      // Streams opened as numbered, or nothing is known of which ones the server ran.
      if (connection === this.connection && session.state.nextStreamID === 2 * this.opened + 1) {
        this.goneAway = connection
        this.lastStreamId = lastStreamId
      }
    })
    client.once('disconnect', () => {
      if (this.session === session) this.session = null
    })
  }
}

function isRefusedStream(error: Error): boolean {
  return (
    (error as { code?: unknown }).code === 'ERR_HTTP2_STREAM_ERROR' &&
    error.message.endsWith('NGHTTP2_REFUSED_STREAM')
  )
}

/** What a stream the server did not run, twice, is counted as (`stream_refused`). */
export function refusedTwice(error: Error): Error {
  return isRefusedStream(error) ? error : new StreamRefusedError('above the last stream id of a GOAWAY')
}

/** undici's session of a client's current connection (an undici internal, found by its shape). */
function sessionOf(client: Client): ClientHttp2Session | undefined {
  const fields = client as unknown as Record<symbol, unknown>
  for (const key of Object.getOwnPropertySymbols(client)) {
    const value = fields[key] as Partial<ClientHttp2Session> | null | undefined
    if (typeof value?.goaway === 'function' && typeof value.request === 'function') {
      return value as ClientHttp2Session
    }
  }
  return undefined
}
