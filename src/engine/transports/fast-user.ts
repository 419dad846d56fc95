import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { recordFailure, recordResponse } from '../record.ts'
import type { EngineUser, RunState, UserFactory, UserScheduler } from '../run-state.ts'
import { type ConnectionPolicy, connectionPolicyOf } from './connection-policy.ts'
import { FastConnection, type FastConnectionOwner } from './fast-connection.ts'
import { encodeRequest, requestBatches, type Target, targetOf } from './fast-request.ts'
import { TransportUser } from './transport-user.ts'
import { UnansweredRequestError } from './unanswered.ts'

/**
 * The fast transport (`transport: 'fast'`): one virtual user on its own keep-alive connection, up to
 * `pipelining` requests in flight on it (one by default). The request is the run's prebuilt buffer;
 * responses are parsed straight out of a shared read buffer, so a request costs one write, one read and no
 * objects of ours. Requests that complete in one read and are sent again go out together in one write when
 * that read has been parsed. The connection itself (connect, idle close, the one more try) is a FastConnection.
 */
export class FastUser extends TransportUser implements FastConnectionOwner {
  /** The factory of a run's fast users: the request's bytes and its target are built here, once. */
  static factory(request: ResolvedRequest, native: NativeOptions): UserFactory {
    const target = targetOf(request.url)
    const batches = requestBatches(encodeRequest(request), native.pipelining)
    const policy = connectionPolicyOf(request, native, target)
    return (state, scheduler, onRetired) => new FastUser(state, scheduler, onRetired, target, batches, policy)
  }

  private readonly connection: FastConnection
  /** `batches[k]`: k copies of the run's request, written as they are (see requestBatches). */
  private readonly batches: readonly Buffer[]
  private readonly capacity: number
  // A ring of the requests' due and send times: `inFlight` written ones from `head`, then `unwritten` ones.
  private readonly dueAt: Float64Array
  private readonly sentAt: Float64Array
  private head = 0
  private unwritten = 0
  /** The run's method may go out once more when the server closed a kept-alive connection under it. */
  private readonly idempotent: boolean
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
    this.batches = batches
    this.idempotent = policy.idempotent
    this.capacity = state.pipelining
    this.dueAt = new Float64Array(state.pipelining)
    this.sentAt = new Float64Array(state.pipelining)
    this.connection = new FastConnection(target, policy, this, state.now, {
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
    if (!this.connection.reading) this.flush()
  }

  /** Cuts the requests in flight (timeout or abort). */
  abort(reason: Error): void {
    if (this.inFlight > 0) this.failInFlight(reason)
  }

  protected override hasUnsent(): boolean {
    return this.unwritten > 0
  }

  /** Closes the connection; the user sends nothing more. */
  close(): void {
    this.unwritten = 0
    this.cancelBackoff()
    this.connection.drop()
  }

  // --- FastConnectionOwner: called by the connection and its parser -----------------------------------
  get awaitsAnswer(): boolean {
    return this.inFlight > 0
  }

  onResponseHead(status: number, rawHeaders: string[] | null): void {
    if (this.inFlight === 0) {
      this.connection.drop() // a response to nothing: the connection can't be trusted
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
    this.refusals = 0
    const { receivedAt } = this.connection
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
    this.connection.responseEnded(keepAlive)
    // The server answers nothing after a `connection: close`: what was written behind it is counted.
    if (!keepAlive && this.inFlight > 0) this.failInFlight(new UnansweredRequestError())
    this.scheduler.onUserIdle(this)
  }

  writeWaiting(): void {
    if (this.unwritten > 0 && !this.retrying && !this.retired) this.flush()
  }

  mayResend(): boolean {
    return this.idempotent
  }

  resend(): void {
    this.unwritten += this.inFlight
    this.inFlight = 0
    this.flush()
  }

  /** Ends every request in flight with `error` (recorded unless the run was aborted) and drops the connection. */
  failInFlight(error: Error): void {
    const failed = this.inFlight
    recordFailure(this.state, error, this.status, this.state.now() - this.dueAt[this.head]!, failed)
    this.head = (this.head + failed) % this.capacity
    this.inFlight = 0
    this.status = 0
    this.rawHeaders = null
    this.bodyChunks = null
    this.connection.drop()
    if (failed > 0 || this.unwritten > 0) this.retryAfterError(failed, error)
  }
  // -------------------------------------------------------------------------------------------------------

  /**
   * Writes the unwritten requests, in one write when they fit a prebuilt batch; on a connection that has not
   * answered yet, only one.
   */
  private flush(): void {
    const connection = this.connection
    if (connection.validating) return
    const now = this.state.now()
    const socket = connection.socketToWrite(now, this.inFlight === 0)
    // Until the connection has answered and stayed open, one request at a time goes out on it: nothing is
    // pipelined to a server that closes after each response.
    const proven = connection.answered > 0
    if (!proven && this.inFlight > 0) return
    const count = proven ? this.unwritten : 1
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
    connection.lastActiveAt = now
  }

  /** What was sent while the error was handled goes out on a new connection. */
  protected override resumeAfterError(): void {
    if (this.unwritten > 0) this.flush()
  }
}
