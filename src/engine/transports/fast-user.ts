import type net from 'node:net'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { recordFailure, recordResponse } from '../record.ts'
import type { EngineUser, RunState, UserFactory, UserScheduler } from '../run-state.ts'
import { type ConnectionPolicy, connectionPolicyOf } from './connection-policy.ts'
import { encodeRequest, requestBatches, type Target, targetOf } from './fast-request.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { type ConnectionEvents, closedConnectionError, openConnection } from './open-connection.ts'
import { type ResponseHandler, ResponseParser } from './response-parser.ts'
import { TransportUser } from './transport-user.ts'
import { isClosedUnderUs, UnansweredRequestError } from './unanswered.ts'

/**
 * The fast transport (`transport: 'fast'`): one virtual user on its own keep-alive connection, up to
 * `pipelining` requests in flight on it (one by default). The request is the run's prebuilt buffer;
 * responses are parsed straight out of a shared read buffer, so a request costs one write, one read and no
 * objects of ours. Requests that complete in one read and are sent again go out together in one write when
 * that read has been parsed.
 */
export class FastUser extends TransportUser implements ResponseHandler {
  /** The factory of a run's fast users: the request's bytes and its target are built here, once. */
  static factory(request: ResolvedRequest, native: NativeOptions): UserFactory {
    const target = targetOf(request.url)
    const batches = requestBatches(encodeRequest(request), native.pipelining)
    const connection = connectionPolicyOf(request, native, target)
    return (state, scheduler, onRetired) =>
      new FastUser(state, scheduler, onRetired, target, batches, connection)
  }

  private socket: net.Socket | null = null
  private readonly parser: ResponseParser
  private readonly target: Target
  /** `batches[k]`: k copies of the run's request, written as they are (see requestBatches). */
  private readonly batches: readonly Buffer[]
  private readonly capacity: number
  // A ring of the requests' due and send times: `inFlight` written ones from `head`, then `unwritten` ones.
  private readonly dueAt: Float64Array
  private readonly sentAt: Float64Array
  private head = 0
  private unwritten = 0
  /** True while a read is parsed: sends wait for its end, to go out in one write. */
  private reading = false
  /** When the bytes being parsed arrived: the end time of every response they complete. */
  private receivedAt = 0
  private lastActiveAt = 0
  /** How long this connection may idle before it is replaced: the server's keep-alive hint, or KEEP_ALIVE_MS. */
  private idleLimitMs = KEEP_ALIVE_MS
  /**
   * The connection answered a response and stayed open: until then one request at a time goes out on it, so
   * nothing is pipelined to a server that closes after each response.
   */
  private proven = false
  /** Responses on the current connection: a request lost on a reused one may be sent again (once). */
  private answered = 0
  /** The server sent FIN: the connection takes no more requests. */
  private ended = false
  /** Waiting one turn of the event loop for a stray body before the connection is used again. */
  private validating = false
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
  private status = 0
  private rawHeaders: string[] | null = null
  private bodyChunks: Buffer[] | null = null

  private constructor(
    state: RunState,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
    target: Target,
    batches: readonly Buffer[],
    policy: ConnectionPolicy,
  ) {
    super(state, scheduler, onRetired)
    this.target = target
    this.batches = batches
    this.policy = policy
    this.capacity = state.pipelining
    this.dueAt = new Float64Array(state.pipelining)
    this.sentAt = new Float64Array(state.pipelining)
    this.parser = new ResponseParser(this, {
      keepHeaders: state.check !== undefined,
      noBody: state.headRequests,
      maxHeadBytes: policy.maxHeadBytes,
    })
  }

  /** When the oldest request in flight was written. */
  get oldestSentAt(): number {
    return this.sentAt[this.head]!
  }

  /**
   * Sends a request, due at `dueAt` (open model: latency counts from then) or now. Inside a read it goes
   * out when the read has been parsed.
   */
  send(dueAt?: number): void {
    let slot = this.head + this.inFlight + this.unwritten
    if (slot >= this.capacity) slot -= this.capacity
    this.dueAt[slot] = dueAt ?? Number.NaN
    this.unwritten++
    if (!this.reading) this.flush()
  }

  /** Cuts the requests in flight (timeout or abort). */
  abort(reason: Error): void {
    if (this.inFlight > 0) this.fail(reason)
  }

  protected override hasUnsent(): boolean {
    return this.unwritten > 0
  }

  /** Closes the connection; the user sends nothing more. */
  close(): void {
    this.unwritten = 0
    this.cancelBackoff()
    this.dropSocket()
  }

  // --- ResponseHandler: called by the parser ----------------------------------------------------------
  onResponseHead(status: number, rawHeaders: string[] | null): void {
    if (this.inFlight === 0) {
      this.dropSocket() // a response to nothing: the connection can't be trusted
      return
    }
    this.status = status
    if (this.state.check !== undefined) {
      this.rawHeaders = rawHeaders
      this.bodyChunks = []
    }
  }

  onResponseBody(chunk: Buffer, start: number, end: number): void {
    this.state.collector.recordBytes(end - start)
    if (this.bodyChunks !== null) this.bodyChunks.push(Buffer.from(chunk.subarray(start, end)))
  }

  onResponseEnd(keepAlive: boolean): void {
    const slot = this.head
    if (++this.head === this.capacity) this.head = 0
    this.inFlight--
    this.answered++
    this.refusals = 0
    const { receivedAt, parser } = this
    recordResponse(
      this.state,
      this.status,
      receivedAt - this.dueAt[slot]!,
      receivedAt - this.sentAt[slot]!,
      this.rawHeaders,
      this.bodyChunks,
    )
    this.status = 0
    this.rawHeaders = null
    this.bodyChunks = null
    if (!keepAlive) {
      this.dropSocket()
      // The server answers nothing after a `connection: close`: what was written behind it is counted.
      if (this.inFlight > 0) this.fail(new UnansweredRequestError())
    } else {
      this.proven = true
      const hint = parser.keepAliveHintMs
      // A second's margin under the server's own timeout, as undici keeps.
      if (hint > 0) this.idleLimitMs = Math.max(hint - 1000, hint / 2)
      if (parser.announcedBody && !this.validating) {
        this.validating = true
        setImmediate(this.endValidation)
      }
    }
    this.scheduler.onUserIdle(this)
  }

  /** A stray body after HEAD/204/304 arrived by now (and dropped the connection), or none did. */
  private readonly endValidation = (): void => {
    this.validating = false
    if (this.unwritten > 0 && !this.retrying && !this.retired) this.flush()
  }
  // -------------------------------------------------------------------------------------------------------

  /**
   * Writes the unwritten requests, in one write when they fit a prebuilt batch; on a connection that has not
   * answered yet, only one.
   */
  private flush(): void {
    if (this.validating) return
    const now = this.state.now()
    if (this.inFlight === 0 && (this.ended || now - this.lastActiveAt > this.idleLimitMs)) this.dropSocket()
    const socket = this.socket ?? this.connect()
    if (!this.proven && this.inFlight > 0) return
    const count = this.proven ? this.unwritten : 1
    let slot = this.head + this.inFlight
    if (slot >= this.capacity) slot -= this.capacity
    for (let i = 0; i < count; i++) {
      this.sentAt[slot] = now
      if (Number.isNaN(this.dueAt[slot])) this.dueAt[slot] = now
      if (++slot === this.capacity) slot = 0
    }
    const batch = this.batches[count]
    if (batch !== undefined) socket.write(batch)
    else for (let i = 0; i < count; i++) socket.write(this.batches[1]!)
    this.inFlight += count
    this.unwritten -= count
    this.lastActiveAt = now
  }

  private connect(): net.Socket {
    const socket = openConnection(this.target, this.policy, this.events)
    this.socket = socket
    this.proven = false
    this.answered = 0
    this.ended = false
    this.idleLimitMs = KEEP_ALIVE_MS
    return socket
  }

  private receive(chunk: Buffer, length: number): void {
    if (this.inFlight === 0) {
      this.dropSocket() // bytes nobody asked for
      return
    }
    const now = this.state.now()
    this.receivedAt = now
    this.lastActiveAt = now
    this.reading = true
    try {
      this.parser.execute(chunk, 0, length)
    } catch (error) {
      this.fail(error as Error)
    }
    // Bytes after the last answer (a body after HEAD or 204): nobody asked for them.
    if (this.inFlight === 0 && this.parser.inResponse) this.dropSocket()
    this.reading = false
    if (this.unwritten > 0 && !this.retrying) this.flush()
  }

  /** The connection closed (`error` null) or failed. */
  private onConnectionLost(error: Error | null): void {
    const reused = this.answered > 0
    this.socket = null
    if (this.inFlight === 0) {
      this.parser.reset()
      return
    }
    this.receivedAt = this.state.now()
    // Completes a body that runs to the end of the connection; its user may connect again at once.
    const cut = error === null ? this.parser.finish() : this.parser.inResponse ? 'body' : 'none'
    if (this.socket !== null || this.inFlight === 0) return
    if (cut === 'none' && reused && this.policy.idempotent && isClosedUnderUs(error)) {
      // The server closed a kept-alive connection before it read these (FIN between responses): they go out
      // once more on a new connection, as every HTTP client does; a new connection gets no second chance.
      this.parser.reset()
      this.unwritten += this.inFlight
      this.inFlight = 0
      this.flush()
      return
    }
    this.fail(error ?? closedConnectionError(cut))
  }

  /** Ends every request in flight with `error` (recorded unless the run was aborted) and drops the connection. */
  private fail(error: Error): void {
    const failed = this.inFlight
    recordFailure(this.state, error, this.status, this.state.now() - this.dueAt[this.head]!, failed)
    this.head = (this.head + failed) % this.capacity
    this.inFlight = 0
    this.status = 0
    this.rawHeaders = null
    this.bodyChunks = null
    this.dropSocket()
    if (failed > 0 || this.unwritten > 0) this.retryAfterError(failed, error)
  }

  /** What was sent while the error was handled goes out on a new connection. */
  protected override resumeAfterError(): void {
    if (this.unwritten > 0) this.flush()
  }

  private dropSocket(): void {
    const socket = this.socket
    if (socket === null) return
    this.socket = null
    this.parser.reset()
    socket.destroy()
  }
}
