import type { OpenShape } from '../options/shape.ts'
import { ArrivalSchedule } from './arrival-schedule.ts'
import { type EngineUser, type RunShare, type RunState, type UserScheduler, WHOLE_RUN } from './run-state.ts'

/**
 * Timers fire up to ~1 ms late (ms granularity): the last stretch before a request is due is waited out on
 * setImmediate turns, which still read responses, so sends go out within µs of their due time.
 */
const SPIN_WINDOW_MS = 1.5

/**
 * The open model: requests arrive at `rate` (or along `stages`) whatever the server does, each handed to an
 * idle user (one keep-alive connection each, at most `maxUsers`). A request's latency counts from when it was
 * due, so a stalled server shows in the percentiles instead of slowing the generator down (coordinated
 * omission). A request that finds every user busy at the cap is dropped and counted, never queued.
 *
 * One timer loop dispatches whatever is due since the last tick, with each request's exact due time.
 */
export class OpenModelExecutor implements UserScheduler {
  readonly users: EngineUser[] = []
  /** Requests that were due while all `maxUsers` users were busy. */
  dropped = 0
  /** Requests that were due (sent + dropped), of this share. */
  scheduled = 0
  readonly done: Promise<void>
  private readonly idle: EngineUser[] = []
  private readonly state: RunState
  private readonly maxUsers: number
  private readonly requestLimit: number
  /** No request is due at or after this (ms since the start): the run's duration. */
  private readonly endMs: number
  private readonly schedule: ArrivalSchedule
  private readonly share: RunShare
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private endTimer: NodeJS.Timeout | undefined
  private startedAt = 0
  private busy = 0
  private retired = 0
  private stopping = false
  private resolveDone: () => void = () => {}

  constructor(state: RunState, shape: OpenShape, share: RunShare = WHOLE_RUN) {
    this.state = state
    this.share = share
    this.maxUsers = shape.maxUsers
    this.requestLimit = shape.requests ?? Number.POSITIVE_INFINITY
    // A warm-up is sent before the duration, at the run's rate.
    this.endMs = (shape.durationMs ?? Number.POSITIVE_INFINITY) + shape.warmupMs
    const { arrival } = shape
    this.schedule =
      arrival.kind === 'stages'
        ? new ArrivalSchedule(arrival.stages)
        : ArrivalSchedule.constant(arrival.rate, shape.rampUpMs)
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve
    })
  }

  start(): void {
    this.startedAt = this.state.now()
    this.dispatchDue()
  }

  /**
   * No new requests from here on; in-flight ones finish (or time out). At the end of the duration (not an
   * abort), every request due before the end still goes out at its time: the duration timer started before
   * this executor, and a timer may fire early by the executor's clock (libuv's cached loop time), by more on
   * a busy machine.
   */
  stop(): void {
    if (this.stopping) return
    if (!this.state.aborted) {
      const elapsed = this.state.now() - this.startedAt
      this.sendDue(elapsed)
      if (this.hasDueBeforeEnd() && elapsed < this.endMs) {
        if (this.endTimer === undefined)
          this.endTimer = setTimeout(this.endOfDuration, this.endMs - elapsed + 1)
        return
      }
    }
    if (this.endTimer !== undefined) clearTimeout(this.endTimer)
    this.stopping = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.immediate !== undefined) clearImmediate(this.immediate)
    for (let user = this.idle.pop(); user !== undefined; user = this.idle.pop()) user.retire()
    this.checkDone()
  }

  onUserIdle(user: EngineUser): void {
    this.busy--
    this.state.collector.setActiveUsers(this.busy)
    if (this.stopping) user.retire()
    else this.idle.push(user)
  }

  private readonly endOfDuration = (): void => {
    this.endTimer = undefined
    this.stop()
  }

  /** Whether a request of this share is still due before the end of the duration. */
  private hasDueBeforeEnd(): boolean {
    const next = this.arrival(this.scheduled)
    return next < this.requestLimit && this.schedule.timeOf(next) < this.endMs
  }

  private readonly tick = (): void => {
    this.timer = undefined
    this.immediate = undefined
    this.dispatchDue()
  }

  private dispatchDue(): void {
    if (this.stopping) return
    const elapsed = this.state.now() - this.startedAt
    const dueIn = this.sendDue(elapsed)
    if (this.arrival(this.scheduled) >= this.requestLimit) {
      this.stop()
      return
    }
    // Nothing more is due before the end (or ever, at rate 0): the duration timer ends the run.
    if (dueIn === Number.POSITIVE_INFINITY) return
    if (dueIn > SPIN_WINDOW_MS) this.timer = setTimeout(this.tick, dueIn - SPIN_WINDOW_MS)
    else this.immediate = setImmediate(this.tick)
  }

  /** Sends every request due by `elapsed` (ms since the start); returns how long until the next one. */
  private sendDue(elapsed: number): number {
    let dueIn = Number.POSITIVE_INFINITY
    while (this.arrival(this.scheduled) < this.requestLimit) {
      const dueAt = this.schedule.timeOf(this.arrival(this.scheduled))
      if (dueAt >= this.endMs) break
      if (dueAt > elapsed) {
        dueIn = dueAt - elapsed
        break
      }
      this.scheduled++
      const user = this.idle.pop() ?? this.addUser()
      if (user === undefined) {
        this.dropped++
        continue
      }
      this.busy++
      user.send(this.startedAt + dueAt)
      this.state.collector.recordLateness(elapsed - dueAt)
    }
    this.state.collector.setActiveUsers(this.busy)
    return dueIn
  }

  /** The run-wide number of this share's arrival `k`. */
  private arrival(k: number): number {
    return k * this.share.count + this.share.index
  }

  private addUser(): EngineUser | undefined {
    if (this.users.length >= this.maxUsers) return undefined
    const user = this.state.createUser(this.state, this, this.onRetired)
    this.users.push(user)
    return user
  }

  // Its connection closes with the others once the run is over (EngineRun): closing it now would delay
  // the reading of the responses still in flight on the others, and time them slower than they were.
  private readonly onRetired = (_user: EngineUser): void => {
    this.retired++
    this.checkDone()
  }

  private checkDone(): void {
    if (this.stopping && this.retired === this.users.length) this.resolveDone()
  }
}
