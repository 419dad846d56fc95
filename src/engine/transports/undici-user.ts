import { Client, type Dispatcher } from 'undici'
import type { ResolvedLoadOptions } from '../../options.ts'
import { recordFailure, recordResponse } from '../record.ts'
import type { EngineUser, RunState, UserFactory, UserScheduler } from '../run-state.ts'
import { headersToSend, KEEP_ALIVE_MS, requestTarget } from './framing.ts'
import { TransportUser } from './transport-user.ts'

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
  private readonly user: UndiciUser

  constructor(user: UndiciUser) {
    this.user = user
  }

  onConnect(): void {}

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true // 1xx: the response follows
    this.status = status
    if (this.bodyChunks !== null) this.rawHeaders = rawHeaders
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
 * connection with up to `pipelining` requests in flight. Requests are dispatched with the run's options,
 * built once; each slot is its own dispatch handler.
 */
export class UndiciUser extends TransportUser {
  /**
   * The factory of a run's undici users: the dispatch options are built here, once. `headersTimeout` and
   * `bodyTimeout` are only a backstop: the run's sweep cuts a request at `timeout` of total time.
   */
  static factory(options: ResolvedLoadOptions): UserFactory {
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
    const clientOptions: Client.Options = {
      pipelining: options.pipelining,
      keepAliveTimeout: KEEP_ALIVE_MS,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.timeoutMs },
    }
    return (state, scheduler, onRetired) =>
      new UndiciUser(state, scheduler, onRetired, url.origin, request, clientOptions)
  }

  private client: Client | null = null
  private readonly origin: string
  private readonly request: Dispatcher.DispatchOptions
  private readonly clientOptions: Client.Options
  private readonly slots: Slot[]
  private readonly free: Slot[]

  private constructor(
    state: RunState,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
    origin: string,
    request: Dispatcher.DispatchOptions,
    clientOptions: Client.Options,
  ) {
    super(state, scheduler, onRetired)
    this.origin = origin
    this.request = request
    this.clientOptions = clientOptions
    this.slots = Array.from({ length: state.pipelining }, () => new Slot(this))
    this.free = [...this.slots]
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
    this.client ??= new Client(this.origin, this.clientOptions)
    this.client.dispatch(this.request, slot)
  }

  /**
   * Cuts every request in flight: the client is destroyed with `reason`, which undici hands to each of them,
   * and the next request gets a new client (a new connection, as after any cut).
   */
  abort(reason: Error): void {
    const client = this.client
    if (this.inFlight === 0 || client === null) return
    for (const slot of this.slots) if (slot.busy) slot.cut = true
    this.client = null
    client.destroy(reason).catch(() => {})
  }

  close(): void {
    const client = this.client
    this.client = null
    client?.destroy().catch(() => {})
  }

  /** A response is complete. */
  complete(slot: Slot): void {
    const now = this.state.now()
    recordResponse(
      this.state,
      slot.status,
      now - slot.dueAt,
      now - slot.sentAt,
      slot.rawHeaders,
      slot.bodyChunks,
    )
    this.release(slot)
    this.scheduler.onUserIdle(this)
  }

  /** A request ended with an error (refused, reset, timeout, a malformed response, or an abort). */
  failed(slot: Slot, error: Error): void {
    recordFailure(this.state, error, slot.status, this.state.now() - slot.dueAt)
    this.release(slot)
    this.retryAfterError(1)
  }

  private release(slot: Slot): void {
    slot.busy = false
    slot.status = 0
    slot.rawHeaders = null
    slot.bodyChunks = null
    this.free.push(slot)
    this.inFlight--
  }
}
