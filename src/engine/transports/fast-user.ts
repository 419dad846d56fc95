import net from 'node:net'
import tls from 'node:tls'
import type { ResolvedLoadOptions } from '../../options.ts'
import { SocketClosedError } from '../classify-error.ts'
import { recordFailure, recordResponse } from '../record.ts'
import type { EngineUser, RunState, UserFactory, UserScheduler } from '../run-state.ts'
import { encodeRequest, requestBatches, type Target, targetOf } from './fast-request.ts'
import { KEEP_ALIVE_MS } from './framing.ts'
import { type ResponseHandler, ResponseParser } from './response-parser.ts'
import { TransportUser } from './transport-user.ts'

/** One read buffer for every connection of the thread: each read is parsed before the next one lands. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/**
 * The fast transport (`transport: 'fast'`): one virtual user on its own keep-alive connection, up to
 * `pipelining` requests in flight on it (one by default). The request is the run's prebuilt buffer;
 * responses are parsed straight out of a shared read buffer, so a request costs one write, one read and no
 * objects of ours. Requests that complete in one read and are sent again go out together in one write when
 * that read has been parsed.
 */
export class FastUser extends TransportUser implements ResponseHandler {
  /** The factory of a run's fast users: the request's bytes and its target are built here, once. */
  static factory(options: ResolvedLoadOptions): UserFactory {
    const target = targetOf(options.url)
    const batches = requestBatches(encodeRequest(options), options.pipelining)
    return (state, scheduler, onRetired) => new FastUser(state, scheduler, onRetired, target, batches)
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
  private status = 0
  private rawHeaders: string[] | null = null
  private bodyChunks: Buffer[] | null = null

  private constructor(
    state: RunState,
    scheduler: UserScheduler,
    onRetired: (user: EngineUser) => void,
    target: Target,
    batches: readonly Buffer[],
  ) {
    super(state, scheduler, onRetired)
    this.target = target
    this.batches = batches
    this.capacity = state.pipelining
    this.dueAt = new Float64Array(state.pipelining)
    this.sentAt = new Float64Array(state.pipelining)
    this.parser = new ResponseParser(this, {
      keepHeaders: state.check !== undefined,
      noBody: state.headRequests,
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
    const { receivedAt } = this
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
      // The server answers nothing after a `connection: close`: requests pipelined behind it go out again.
      this.unwritten += this.inFlight
      this.inFlight = 0
      this.dropSocket()
      if (this.unwritten > 0 && !this.reading) this.flush()
    }
    this.scheduler.onUserIdle(this)
  }
  // -------------------------------------------------------------------------------------------------------

  /** Writes the unwritten requests, in one write when they fit a prebuilt batch. */
  private flush(): void {
    const now = this.state.now()
    if (this.inFlight === 0 && now - this.lastActiveAt > KEEP_ALIVE_MS) this.dropSocket()
    const socket = this.socket ?? this.connect()
    let slot = this.head + this.inFlight
    if (slot >= this.capacity) slot -= this.capacity
    for (let i = 0; i < this.unwritten; i++) {
      this.sentAt[slot] = now
      if (Number.isNaN(this.dueAt[slot])) this.dueAt[slot] = now
      if (++slot === this.capacity) slot = 0
    }
    const batch = this.batches[this.unwritten]
    if (batch !== undefined) socket.write(batch)
    else for (let i = 0; i < this.unwritten; i++) socket.write(this.batches[1]!)
    this.inFlight += this.unwritten
    this.unwritten = 0
    this.lastActiveAt = now
  }

  private connect(): net.Socket {
    const { host, port, tls: secure, servername } = this.target
    let socket: net.Socket
    if (secure) {
      const options: tls.ConnectionOptions = { host, port, ALPNProtocols: ['http/1.1'] }
      if (servername !== undefined) options.servername = servername
      socket = tls.connect(options)
      socket.setNoDelay(true)
      socket.on('data', (chunk: Buffer) => this.receive(chunk, chunk.length))
    } else {
      socket = net.connect({
        host,
        port,
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback: this.onRead },
      })
    }
    // Events of a connection this user already dropped don't concern it any more.
    socket.on('error', (error) => {
      if (socket === this.socket) this.fail(error)
    })
    socket.on('close', () => {
      if (socket === this.socket) this.onConnectionClosed()
    })
    this.socket = socket
    return socket
  }

  private readonly onRead = (length: number, buffer: Uint8Array): boolean => {
    this.receive(buffer as Buffer, length)
    return true
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
    this.reading = false
    if (this.unwritten > 0 && !this.retrying) this.flush()
  }

  private onConnectionClosed(): void {
    this.socket = null
    if (this.inFlight === 0) {
      this.parser.reset()
      return
    }
    this.receivedAt = this.state.now()
    // Completes a body that runs to the end of the connection; its user may connect again at once.
    const cut = this.parser.finish()
    if (this.socket === null && this.inFlight > 0) this.fail(new SocketClosedError(cut))
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
    if (failed > 0 || this.unwritten > 0) this.retryAfterError(failed)
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
