import { Client } from 'undici'
import { classifyError, classifyStatus, describeError } from './classify-error.ts'
import type { RunState, UserScheduler } from './run-state.ts'

const STATUS_MESSAGES: string[] = []
function statusMessage(status: number): string {
  STATUS_MESSAGES[status] ??= `HTTP ${status}`
  return STATUS_MESSAGES[status]
}

function headersToObject(raw: Buffer[] | string[] | null): Record<string, string | string[] | undefined> {
  const headers: Record<string, string | string[] | undefined> = {}
  if (raw === null) return headers
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString().toLowerCase()
    const value = raw[i + 1]!.toString()
    const existing = headers[name]
    headers[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return headers
}

/**
 * One virtual user: its own keep-alive connection, one request at a time. The user *is* the undici dispatch
 * handler, so a request costs no closures or handler objects of ours.
 */
export class VirtualUser {
  readonly client: Client
  inFlight = false
  retired = false
  /** When the request was due: equals `sentAt` in the closed model, earlier when an open model ran late. */
  scheduledAt = 0
  sentAt = 0
  private abortRequest: ((reason?: Error) => void) | null = null
  private status = 0
  private rawHeaders: Buffer[] | string[] | null = null
  private bodyChunks: Buffer[] | null = null
  private readonly state: RunState
  private readonly scheduler: UserScheduler
  private readonly continueAfterError: () => void
  private readonly onRetired: (user: VirtualUser) => void

  constructor(state: RunState, scheduler: UserScheduler, onRetired: (user: VirtualUser) => void) {
    this.state = state
    this.scheduler = scheduler
    this.onRetired = onRetired
    this.client = new Client(state.origin, {
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: state.timeoutMs,
      bodyTimeout: state.timeoutMs,
      connect: { timeout: state.timeoutMs },
    })
    // Errors (refused, reset) can come back synchronously; deferring the retry keeps the stack flat.
    this.continueAfterError = () => this.scheduler.onUserIdle(this)
  }

  send(scheduledAt: number): void {
    this.inFlight = true
    this.scheduledAt = scheduledAt
    this.sentAt = this.state.now()
    this.status = 0
    if (this.state.check !== undefined) this.bodyChunks = []
    this.client.dispatch(this.state.request, this)
  }

  /** Cuts the in-flight request (timeout or abort). */
  abort(reason: Error): void {
    if (this.inFlight && this.abortRequest !== null) this.abortRequest(reason)
  }

  retire(): void {
    if (this.retired) return
    this.retired = true
    this.onRetired(this)
  }

  // --- undici handler -------------------------------------------------------------------------------------
  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[] | string[]): boolean {
    this.status = status
    if (this.state.check !== undefined) this.rawHeaders = rawHeaders
    return true
  }

  onData(chunk: Buffer): boolean {
    this.state.collector.recordBytes(chunk.length)
    if (this.bodyChunks !== null) this.bodyChunks.push(chunk)
    return true
  }

  onComplete(): void {
    const latencyMs = this.state.now() - this.scheduledAt
    const state = this.state
    const status = this.status
    state.collector.recordStatus(status)
    const expected =
      state.expectStatus === null ? status >= 200 && status < 400 : state.expectStatus.has(status)
    if (!expected) {
      state.collector.recordError(classifyStatus(status), statusMessage(status), latencyMs)
    } else if (state.check !== undefined && !this.runCheck(status)) {
      state.collector.recordError('check_failed', `check failed (HTTP ${status})`, latencyMs)
    } else {
      state.collector.recordResponseTime(latencyMs)
    }
    this.finish()
    this.scheduler.onUserIdle(this)
  }

  onError(error: Error): void {
    if (!this.state.aborted) {
      const hadResponse = this.status !== 0
      const latencyMs = this.state.now() - this.scheduledAt
      if (hadResponse) this.state.collector.recordStatus(this.status)
      this.state.collector.recordError(
        classifyError(error),
        describeError(error),
        hadResponse ? latencyMs : undefined,
      )
    }
    this.finish()
    setImmediate(this.continueAfterError)
  }

  onUpgrade(): void {}

  onBodySent(): void {}
  // ---------------------------------------------------------------------------------------------------------

  private finish(): void {
    this.inFlight = false
    this.abortRequest = null
    this.rawHeaders = null
    this.bodyChunks = null
  }

  private runCheck(status: number): boolean {
    const body = this.bodyChunks === null ? '' : Buffer.concat(this.bodyChunks).toString()
    try {
      return this.state.check!({ status, headers: headersToObject(this.rawHeaders), body }) !== false
    } catch {
      return false
    }
  }
}
