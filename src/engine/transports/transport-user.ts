import type { EngineUser, RunState, UserScheduler } from '../run-state.ts'

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
  private readonly onRetired: (user: EngineUser) => void
  private failedSlots = 0

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
   * synchronously, and deferring the retry keeps the stack flat.
   */
  protected retryAfterError(failedSlots: number): void {
    this.failedSlots += failedSlots
    if (this.retrying) return
    this.retrying = true
    setImmediate(this.continueAfterError)
  }

  private readonly continueAfterError = (): void => {
    this.retrying = false
    if (this.retired) return
    this.resumeAfterError()
    let freed = this.failedSlots
    this.failedSlots = 0
    for (; freed > 0; freed--) this.scheduler.onUserIdle(this)
  }
}
