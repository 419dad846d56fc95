import type { ClosedShape } from '../options/shape.ts'
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
  /** The run's users (all shares). */
  private readonly userCount: number
  private readonly rampUpMs: number
  /** This share's requests; undefined: until the duration ends. */
  private readonly requests: number | undefined
  private readonly share: RunShare
  private readonly startTimers: NodeJS.Timeout[] = []
  private stopping = false
  private issued = 0
  private active = 0
  private pendingStarts: number
  private resolveDone: () => void = () => {}
  readonly done: Promise<void>

  constructor(state: RunState, shape: ClosedShape, share: RunShare = WHOLE_RUN) {
    this.state = state
    this.userCount = shape.users
    this.rampUpMs = shape.rampUpMs
    this.requests = shape.requests
    this.share = share
    this.pendingStarts = countOfShare(shape.users, share)
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve
    })
  }

  start(): void {
    const { userCount, rampUpMs } = this
    for (let index = this.share.index; index < userCount; index += this.share.count) {
      const delayMs = userCount === 1 ? 0 : (rampUpMs * index) / userCount
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
    if (this.stopping || (this.requests !== undefined && this.issued >= this.requests)) {
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
    return this.requests !== undefined && this.issued >= this.requests
  }
}
