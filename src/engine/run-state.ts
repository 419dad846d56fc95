import type { CheckResponse } from '../foundation/types.ts'
import type { MetricsCollector } from '../metrics/collector.ts'

/** What every virtual user of one run shares. Built once per run; read on the hot path. */
export interface RunState {
  readonly collector: MetricsCollector
  /** Requests a user keeps in flight on its connection. */
  readonly pipelining: number
  /** HEAD requests: responses carry no body. */
  readonly headRequests: boolean
  readonly timeoutMs: number
  readonly expectStatus: ReadonlySet<number> | null
  readonly check: ((response: CheckResponse) => boolean) | undefined
  readonly now: () => number
  /** Makes a virtual user on the run's transport (`transport`): chosen once per run, not per request. */
  readonly createUser: UserFactory
  /** Set when the run is aborted: in-flight requests are cut and not recorded. */
  aborted: boolean
}

/**
 * One virtual user, whatever its transport (see transports/: undici's `Client`, or the engine's own HTTP/1.1
 * connection): a keep-alive connection with up to `pipelining` requests in flight. This is all the executors
 * and the timeout sweep use.
 */
export interface EngineUser {
  /** Requests sent and not yet answered. */
  readonly inFlight: number
  /** When the oldest request in flight was sent (the timeout sweep reads it while `inFlight` > 0). */
  readonly oldestSentAt: number
  /** Its own per-request timeout (a journey step's); the run's `timeout` when absent. */
  readonly timeoutMs?: number
  /** Sends a request, due at `scheduledAt` (open model: latency counts from then) or now. */
  send(scheduledAt?: number): void
  /** Cuts the requests in flight (timeout or abort), each recorded as `reason` unless the run was aborted. */
  abort(reason: Error): void
  /** Leaves the run once nothing is in flight; the scheduler asks again as each request ends. */
  retire(): void
  /** Closes the connection; the user sends nothing more. */
  close(): void
}

/** Makes one virtual user of a run; it calls `onRetired` once, when it has retired. */
export type UserFactory = (
  state: RunState,
  scheduler: UserScheduler,
  onRetired: (user: EngineUser) => void,
) => EngineUser

/** Decides what a user with a free slot does next: send again, wait, or retire. */
export interface UserScheduler {
  onUserIdle(user: EngineUser): void
}

/**
 * The part of a run one engine instance runs: with `workers`, instance `index` of `count` takes the users
 * `index`, `index + count`, … and, in the open model, the arrivals numbered the same way, so the threads
 * together send exactly what one would have (same ramp-up, same arrival times).
 */
export interface RunShare {
  index: number
  count: number
}

export const WHOLE_RUN: RunShare = { index: 0, count: 1 }

/** How many of the things numbered 0, 1, … `total - 1` fall to a share (every `count`-th from `index`). */
export function countOfShare(total: number, share: RunShare): number {
  return Math.max(0, Math.ceil((total - share.index) / share.count))
}
