import type { ResolvedLoadOptions } from '../options/load-options.ts'
import {
  countOfShare,
  type EngineUser,
  type RunShare,
  type RunState,
  type UserScheduler,
  WHOLE_RUN,
} from './run-state.ts'

/**
 * The closed model: `users` virtual users, each sending its next request as soon as the previous one ended
 * (keeping `pipelining` in flight), started linearly over `rampUp`, until `duration` ends or `requests` have
 * been sent. With a share of the run, `requests` is already this share's.
 */
export class ClosedModelExecutor implements UserScheduler {
  readonly users: EngineUser[] = []
  private readonly state: RunState
  private readonly options: ResolvedLoadOptions
  private readonly share: RunShare
  private readonly startTimers: NodeJS.Timeout[] = []
  private stopping = false
  private issued = 0
  private active = 0
  private pendingStarts: number
  private resolveDone: () => void = () => {}
  readonly done: Promise<void>

  constructor(state: RunState, options: ResolvedLoadOptions, share: RunShare = WHOLE_RUN) {
    this.state = state
    this.options = options
    this.share = share
    this.pendingStarts = countOfShare(options.users, share)
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve
    })
  }

  start(): void {
    const { users, rampUpMs } = this.options
    for (let index = this.share.index; index < users; index += this.share.count) {
      const delayMs = users === 1 ? 0 : (rampUpMs * index) / users
      if (delayMs === 0) this.startUser()
      else this.startTimers.push(setTimeout(() => this.startUser(), delayMs))
    }
  }

  /** No new requests from here on; in-flight ones finish (or time out). */
  stop(): void {
    if (this.stopping) return
    this.stopping = true
    for (const timer of this.startTimers) clearTimeout(timer)
    this.pendingStarts = 0
    this.checkDone()
  }

  onUserIdle(user: EngineUser): void {
    if (this.stopping || (this.options.requests !== undefined && this.issued >= this.options.requests)) {
      user.retire()
      return
    }
    this.issued++
    user.send()
  }

  private startUser(): void {
    if (this.stopping) return
    this.pendingStarts--
    const user = this.state.createUser(this.state, this, this.onRetired)
    this.users.push(user)
    this.active++
    this.state.collector.setActiveUsers(this.active)
    for (let slot = 0; slot < this.state.pipelining; slot++) this.onUserIdle(user)
  }

  // Its connection closes with the others once the run is over (EngineRun): closing it now would delay
  // the reading of the responses still in flight on the others, and time them slower than they were.
  private readonly onRetired = (_user: EngineUser): void => {
    this.active--
    this.state.collector.setActiveUsers(this.active)
    this.checkDone()
  }

  private checkDone(): void {
    if (this.active === 0 && (this.pendingStarts === 0 || this.allRequestsIssued())) {
      this.stopping = true
      for (const timer of this.startTimers) clearTimeout(timer)
      this.resolveDone()
    }
  }

  private allRequestsIssued(): boolean {
    return this.options.requests !== undefined && this.issued >= this.options.requests
  }
}
