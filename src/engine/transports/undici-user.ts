import type { Dispatcher } from 'undici'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import { recordFailure, recordResponse } from '../record.ts'
import type { EngineUser, RunState, UserFactory, UserScheduler } from '../run-state.ts'
import { headersToSend, requestTarget } from './framing.ts'
import { TransportUser } from './transport-user.ts'
import { IDEMPOTENT_METHODS, UnansweredRequestError } from './unanswered.ts'
import { type ClientOptions, undiciClientOptions } from './undici-client-options.ts'
import { UndiciConnection } from './undici-connection.ts'
import { announcesBody, MISMATCH, saysClose } from './undici-responses.ts'

/**
 * One request slot of a user: the undici dispatch handler (legacy callback API) for the requests that go
 * through it, one at a time. A user has `pipelining` slots, made once, so a request allocates nothing of ours.
 */
class Slot implements Dispatcher.DispatchHandler {
  busy = false
  /** Cut by abort(): its error is on its way; the timeout sweep no longer counts it. */
  cut = false
  dueAt = 0
  sentAt = 0
  status = 0
  rawHeaders: Buffer[] | null = null
  bodyChunks: Buffer[] | null = null
  /** undici's abort of the request in this slot (given at onConnect). */
  abortRequest: ((error: Error) => void) | null = null
  /** Sent again once already, after its kept-alive connection closed under it. */
  retried = false
  /** A 204/304 announced a body: the connection is checked before it is used again. */
  strayBody = false
  /** Its response said `connection: close`: what was written behind it is cut once it has ended. */
  closes = false
  /** HTTP/2: the connection (as the user's StreamLedger numbers them) and the id of its request's stream. */
  connection = 0
  stream = 0
  private readonly user: UndiciUser

  constructor(user: UndiciUser) {
    this.user = user
  }

  onConnect(abort: (error: Error) => void): void {
    this.abortRequest = abort
    const streams = this.user.connection.streams
    if (streams !== null) {
      this.connection = streams.connection
      this.stream = streams.open()
    }
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true // 1xx: the response follows
    this.status = status
    if (this.bodyChunks !== null) this.rawHeaders = rawHeaders
    // Not cut now: cutting a request destroys the socket, and undici would send this one again.
    if (this.user.connection.pipelines && saysClose(rawHeaders)) this.closes = true
    if (status === 204 || status === 304) this.strayBody = announcesBody(rawHeaders)
    return true
  }

  onData(chunk: Buffer): boolean {
    this.user.state.collector.recordBytes(chunk.length)
    if (this.bodyChunks !== null) this.bodyChunks.push(chunk)
    return true
  }

  onComplete(): void {
    this.user.complete(this)
  }

  onError(error: Error): void {
    this.user.failed(this, error)
  }

  onUpgrade(): void {}

  onBodySent(): void {}
}

/**
 * The default transport (`transport: 'undici'`): one virtual user on its own undici `Client`, a keep-alive
 * connection (an UndiciConnection) with up to `pipelining` requests in flight. Requests are dispatched with
 * the run's options, built once; each slot is its own dispatch handler.
 */
export class UndiciUser extends TransportUser {
  /**
   * The factory of a run's undici users: the dispatch options are built here, once. `headersTimeout` and
   * `bodyTimeout` are only a backstop: the run's sweep cuts a request at `timeout` of total time.
   */
  static factory(options: ResolvedRequest, native: NativeOptions): UserFactory {
    const { url } = options
    const request: Dispatcher.DispatchOptions = {
      path: requestTarget(url),
      method: options.method,
      headers: Object.fromEntries(headersToSend(options.headers)),
      body: options.body ?? null,
      // Pipeline behind a request before its response head has come (undici waits by default), and keep
      // the connection after a HEAD (undici closes it by default, against servers that send a body anyway).
      blocking: false,
      reset: false,
    }
    const head = options.method === 'HEAD'
    const clientOptions = undiciClientOptions(
      options,
      { pipelining: native.pipelining, maxHeaderSize: native.maxHeaderSize, timeoutMs: options.timeoutMs },
      () => head,
    )
    return (state, scheduler, onRetired) =>
      new UndiciUser(state, scheduler, onRetired, url.origin, request, clientOptions)
  }

  readonly connection: UndiciConnection
  private readonly request: Dispatcher.DispatchOptions
  private readonly slots: Slot[]
  private readonly free: Slot[]
  private readonly idempotent: boolean

  private constructor(
    state: RunState,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
    origin: string,
    request: Dispatcher.DispatchOptions,
    clientOptions: ClientOptions,
  ) {
    super(state, scheduler, onRetired)
    this.connection = new UndiciConnection(origin, clientOptions)
    this.request = request
    this.slots = Array.from({ length: state.pipelining }, () => new Slot(this))
    this.free = [...this.slots]
    this.idempotent = IDEMPOTENT_METHODS.has(request.method)
  }

  /**
   * A response that said `connection: close` has ended (or failed): what was written behind it will not be
   * answered, and undici would send it again on a new connection. Cut before undici sees the close, it is
   * counted once instead. (Cut earlier, while that response is read, undici would send the response's own
   * request again: a cut destroys the socket mid-response.)
   */
  private closing(closingSlot: Slot): void {
    for (const slot of this.slots) {
      if (slot !== closingSlot && slot.busy && !slot.cut) slot.abortRequest?.(new UnansweredRequestError())
    }
  }

  get oldestSentAt(): number {
    let oldest = Number.POSITIVE_INFINITY
    for (const slot of this.slots) {
      if (slot.busy && !slot.cut && slot.sentAt < oldest) oldest = slot.sentAt
    }
    return oldest
  }

  send(dueAt?: number): void {
    const slot = this.free.pop()
    if (slot === undefined) throw new Error('a virtual user was sent more requests than it has slots')
    const now = this.state.now()
    slot.busy = true
    slot.cut = false
    slot.sentAt = now
    slot.dueAt = dueAt ?? now
    if (this.state.check !== undefined) slot.bodyChunks = []
    this.inFlight++
    this.connection.dispatch(this.request, slot)
  }

  /** Cuts every request in flight (see UndiciConnection.cut). */
  abort(reason: Error): void {
    if (this.inFlight === 0 || !this.connection.open) return
    for (const slot of this.slots) if (slot.busy) slot.cut = true
    this.connection.cut(reason)
  }

  close(): void {
    this.cancelBackoff()
    this.connection.drop()
  }

  /** A response is complete. */
  complete(slot: Slot): void {
    if (slot.closes) this.closing(slot)
    const now = this.state.now()
    this.connection.responded()
    this.refusals = 0
    recordResponse(
      this.state,
      slot.status,
      now - slot.dueAt,
      now - slot.sentAt,
      slot.rawHeaders,
      slot.bodyChunks,
    )
    const strayBody = slot.strayBody
    this.release(slot)
    // A body after the 204 would fail the next request written on this connection: undici drops the
    // connection when it reads it, within this turn of the event loop.
    if (strayBody) setImmediate(this.idleAfterCheck)
    else this.scheduler.onUserIdle(this)
  }

  private readonly idleAfterCheck = (): void => {
    if (!this.retired) this.scheduler.onUserIdle(this)
  }

  /** A request ended with an error (refused, reset, timeout, a malformed response, or an abort). */
  failed(slot: Slot, error: Error): void {
    if (slot.closes) this.closing(slot)
    const connection = this.connection
    const unrun = !slot.cut && connection.neverRan(slot.status, slot.connection, slot.stream, error)
    if (
      !slot.retried &&
      !slot.cut &&
      connection.open &&
      (unrun || connection.mayResend(this.idempotent, slot.status, error))
    ) {
      slot.retried = true
      slot.sentAt = this.state.now()
      slot.status = 0
      slot.rawHeaders = null
      if (slot.bodyChunks !== null) slot.bodyChunks = []
      slot.strayBody = false
      connection.resend(this.request, slot)
      return
    }
    if ((slot.status === 204 || slot.status === 304) && (error as { code?: unknown }).code === MISMATCH) {
      // undici holds a 204/304 to the Content-Length it must not have sent; it has no body either way, so
      // it counts as its status, as on the fast transport (undici drops the connection).
      this.complete(slot)
      return
    }
    const reported = connection.failure(error, slot.status, unrun)
    recordFailure(this.state, reported, slot.status, this.state.now() - slot.dueAt)
    this.release(slot)
    this.retryAfterError(1, error)
  }

  private release(slot: Slot): void {
    slot.busy = false
    slot.status = 0
    slot.rawHeaders = null
    slot.bodyChunks = null
    slot.abortRequest = null
    slot.retried = false
    slot.strayBody = false
    slot.closes = false
    this.free.push(slot)
    this.inFlight--
  }
}
