import type { Dispatcher } from 'undici'
import type { MetricsCollector } from '../metrics/collector.ts'
import type { CheckResponse } from '../types.ts'

/** What every virtual user of one run shares. Built once per run; read on the hot path. */
export interface RunState {
  readonly collector: MetricsCollector
  /** Reused for every request of the run: undici copies what it needs. */
  readonly request: Dispatcher.DispatchOptions
  readonly origin: string
  readonly timeoutMs: number
  readonly expectStatus: ReadonlySet<number> | null
  readonly check: ((response: CheckResponse) => boolean) | undefined
  readonly now: () => number
  /** Set when the run is aborted: in-flight requests are cut and not recorded. */
  aborted: boolean
}

/** Decides what an idle user does next: send again, wait, or retire. */
export interface UserScheduler {
  onUserIdle(user: { send(scheduledAt: number): void; retire(): void }): void
}
