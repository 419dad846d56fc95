import type net from 'node:net'
import type { ConnectionPolicy } from './connection-policy.ts'
import type { Target } from './fast-request.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { type ConnectionEvents, closedConnectionError, openConnection } from './open-connection.ts'
import { type ResponseHandler, ResponseParser, type ResponseParserOptions } from './response-parser.ts'
import { isClosedUnderUs } from './unanswered.ts'

/**
 * The user of a FastConnection: it hears the parser's responses directly (nothing in between on the hot
 * path), and decides what its requests in flight become when the connection goes.
 */
export interface FastConnectionOwner extends ResponseHandler {
  /** A request is written and not answered yet: only then may bytes arrive on the connection. */
  readonly awaitsAnswer: boolean
  /** A read has been parsed, or the wait for a stray body has ended: what waited for it may be written. */
  writeWaiting(): void
  /** The requests in flight may go out once more (idempotent, and not sent again already). */
  mayResend(): boolean
  /** Sends the requests in flight again, on a new connection. */
  resend(): void
  /** Ends the requests in flight with `error` and drops the connection. */
  failInFlight(error: Error): void
}

/**
 * One keep-alive connection of the engine's own HTTP/1.1 client, the part the run's users and journey users
 * share: connect (openConnection), a new connection after the server's FIN or an idle spell past the
 * server's keep-alive hint, the parse of each read, a turn of the event loop before reusing a connection
 * whose HEAD/204/304 response announced a body, and one more try on a new connection for requests the
 * server closed a kept-alive connection under. What is in flight, and how it is written, is its owner's.
 */
export class FastConnection {
  readonly parser: ResponseParser
  /** True while a read is parsed: a request sent meanwhile waits for its end (the rest may be a stray body). */
  reading = false
  /** Waiting one turn of the event loop for a stray body before the connection is used again. */
  validating = false
  /** When the bytes being parsed arrived: the end time of every response they complete. */
  receivedAt = 0
  /** When the connection last wrote or read. */
  lastActiveAt = 0
  /** Responses on the current connection: only a reused one may have been closed under a request. */
  answered = 0
  private socket: net.Socket | null = null
  /** How long the connection may idle before it is replaced: the server's keep-alive hint, or KEEP_ALIVE_MS. */
  private idleLimitMs = KEEP_ALIVE_MS
  /** The server sent FIN: the connection takes no more requests. */
  private ended = false
  private readonly target: Target
  private readonly policy: ConnectionPolicy
  private readonly owner: FastConnectionOwner
  private readonly now: () => number
  /** What its sockets tell it (see openConnection), made once. */
  private readonly events: ConnectionEvents = {
    owns: (socket) => socket === this.socket,
    receive: (chunk, length) => this.receive(chunk, length),
    ended: () => {
      this.ended = true
    },
    lost: (error) => this.lost(error),
  }

  constructor(
    target: Target,
    policy: ConnectionPolicy,
    owner: FastConnectionOwner,
    now: () => number,
    parserOptions: ResponseParserOptions,
  ) {
    this.target = target
    this.policy = policy
    this.owner = owner
    this.now = now
    this.parser = new ResponseParser(owner, parserOptions)
  }

  /**
   * The socket to write on at `now`: a new one when there is none or, with nothing in flight (`idle`), when
   * the server ended the old one or it idled too long.
   */
  socketToWrite(now: number, idle: boolean): net.Socket {
    if (idle && (this.ended || now - this.lastActiveAt > this.idleLimitMs)) this.drop()
    return this.socket ?? this.connect()
  }

  /** A response ended: keep the connection (noting the server's keep-alive hint) or drop it. */
  responseEnded(keepAlive: boolean): void {
    this.answered++
    if (!keepAlive) {
      this.drop()
      return
    }
    const hint = this.parser.keepAliveHintMs
    // A second's margin under the server's own timeout, as undici keeps.
    if (hint > 0) this.idleLimitMs = Math.max(hint - 1000, hint / 2)
    if (this.parser.announcedBody && !this.validating) {
      // A body the server sends anyway would land where the next response belongs: wait a turn for it.
      this.validating = true
      setImmediate(this.endValidation)
    }
  }

  /** Closes the connection; the next write opens a new one. */
  drop(): void {
    const socket = this.socket
    if (socket === null) return
    this.socket = null
    this.parser.reset()
    socket.destroy()
  }

  /** A stray body after HEAD/204/304 arrived by now (and dropped the connection), or none did. */
  private readonly endValidation = (): void => {
    this.validating = false
    this.owner.writeWaiting()
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
    const owner = this.owner
    if (!owner.awaitsAnswer) {
      this.drop() // bytes nobody asked for
      return
    }
    const now = this.now()
    this.receivedAt = now
    this.lastActiveAt = now
    this.reading = true
    try {
      this.parser.execute(chunk, 0, length)
    } catch (error) {
      owner.failInFlight(error as Error)
    }
    // Bytes after the last answer (a body after HEAD or 204): nobody asked for them.
    if (!owner.awaitsAnswer && this.parser.inResponse) this.drop()
    this.reading = false
    owner.writeWaiting()
  }

  /** The connection closed (`error` null) or failed. */
  private lost(error: Error | null): void {
    const reused = this.answered > 0
    const owner = this.owner
    this.socket = null
    // Nothing was written on it: what waits goes out on a new connection.
    if (!owner.awaitsAnswer) {
      this.parser.reset()
      return
    }
    this.receivedAt = this.now()
    // Completes a body that runs to the end of the connection: its owner may write again (on a new
    // connection) before this returns, and what it wrote is not this connection's to send again.
    const cut = error === null ? this.parser.finish() : this.parser.inResponse ? 'body' : 'none'
    if (this.socket !== null || !owner.awaitsAnswer) return
    if (cut === 'none' && reused && isClosedUnderUs(error) && owner.mayResend()) {
      // The server closed a kept-alive connection before it read these (FIN between responses): they go out
      // once more on a new connection, as every HTTP client does; a new connection gets no second chance.
      this.parser.reset()
      owner.resend()
      return
    }
    owner.failInFlight(error ?? closedConnectionError(cut))
  }
}
