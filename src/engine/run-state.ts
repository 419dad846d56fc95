import type { MetricsCollector } from '../metrics/collector.ts'
import type { CheckResponse } from '../types.ts'
import type { Target } from './request.ts'

/** What every virtual user of one run shares. Built once per run; read on the hot path. */
export interface RunState {
  readonly collector: MetricsCollector
  readonly target: Target
  /** `requestBatches[k]`: k copies of the run's request, written as they are (see requestBatches). */
  readonly requestBatches: readonly Buffer[]
  /** Requests a user keeps in flight on its connection. */
  readonly pipelining: number
  /** HEAD requests: responses carry no body. */
  readonly headRequests: boolean
  readonly timeoutMs: number
  readonly expectStatus: ReadonlySet<number> | null
  readonly check: ((response: CheckResponse) => boolean) | undefined
  readonly now: () => number
  /** Set when the run is aborted: in-flight requests are cut and not recorded. */
  aborted: boolean
}

/** Decides what a user with a free slot does next: send again, wait, or retire. */
export interface UserScheduler {
  onUserIdle(user: { send(scheduledAt?: number): void; retire(): void }): void
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
