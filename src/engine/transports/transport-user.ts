import type { EngineUser, RunState, UserScheduler } from '../run-state.ts'
import { backoffMs, isRefused } from './backoff.ts'

/**
 * What every transport's virtual user does the same way: it retires once nothing is in flight, and after
 * an error (refused, reset, timeout) its freed slots go back to the scheduler on the next turn of the event
 * loop. The next request then opens a new connection: a connection that failed is never reused.
 */
export abstract class TransportUser implements EngineUser {
  /** Requests sent and not yet answered. */
  inFlight = 0
  retired = false
  readonly state: RunState
  protected readonly scheduler: UserScheduler
  /** True from an error until its slots have been handed back (retryAfterError). */
  protected retrying = false
  /** Connections refused in a row: the user backs off before the next attempt (reset by a response). */
  protected refusals = 0
  private readonly onRetired: (user: EngineUser) => void
  private failedSlots = 0
  private backoffTimer: NodeJS.Timeout | null = null

  constructor(state: RunState, scheduler: UserScheduler, onRetired: (user: EngineUser) => void) {
    this.state = state
    this.scheduler = scheduler
    this.onRetired = onRetired
  }

  abstract readonly oldestSentAt: number
  abstract send(dueAt?: number): void
  abstract abort(reason: Error): void
  abstract close(): void

  /** Leaves the run once nothing is in flight; the scheduler asks again as each request ends. */
  retire(): void {
    if (this.retired || this.inFlight > 0 || this.hasUnsent()) return
    this.retired = true
    this.onRetired(this)
  }

  /** Requests taken from the scheduler that have not gone out yet keep the user from retiring. */
  protected hasUnsent(): boolean {
    return false
  }

  /** Called before the freed slots go back to the scheduler, e.g. to send what waited for the error. */
  protected resumeAfterError(): void {}

  /**
   * Hands `failedSlots` freed slots back to the scheduler later: errors (refused, reset) can come back
   * synchronously, and deferring the retry keeps the stack flat. After a refused connection the user waits
   * (backoff.ts): without it, a server that is down is hit as fast as the client can loop.
   */
  protected retryAfterError(failedSlots: number, error?: Error): void {
    this.failedSlots += failedSlots
    if (error !== undefined && isRefused(error)) this.refusals++
    if (this.retrying) return
    this.retrying = true
    if (this.refusals === 0) {
      setImmediate(this.continueAfterError)
      return
    }
    this.backoffTimer = setTimeout(this.continueAfterError, backoffMs(this.refusals))
    this.backoffTimer.unref()
  }

  /** Stops a pending back-off (the user leaves the run). */
  protected cancelBackoff(): void {
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer)
    this.backoffTimer = null
  }

  private readonly continueAfterError = (): void => {
    this.retrying = false
    this.backoffTimer = null
    if (this.retired) return
    this.resumeAfterError()
    let freed = this.failedSlots
    this.failedSlots = 0
    for (; freed > 0; freed--) this.scheduler.onUserIdle(this)
  }
}
