import type { LoadMetrics } from '../../foundation/model/index.ts'

/** The first wait after a refused connection, doubled on each refusal in a row up to MAX_BACKOFF_MS. */
// Capped low: a user in back-off notices the end of the run only when it wakes.
export const FIRST_BACKOFF_MS = 5
export const MAX_BACKOFF_MS = 100

/** How long a user waits before connecting again after `refusals` refused connections in a row. */
export function backoffMs(refusals: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, refusals - 1))
}

/** True for the error of a connection nothing accepted (walks undici's and Node's cause chain). */
export function isRefused(error: unknown): boolean {
  let current = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if ((current as { code?: unknown }).code === 'ECONNREFUSED') return true
    current = current.cause
  }
  return false
}

/**
 * Says in the result that refused connections were retried with back-off: their count then measures how
 * long the outage lasted, not how fast the client can loop.
 */
export function refusedWarning(metrics: Pick<LoadMetrics, 'errorsByType'>): string | undefined {
  const refused = metrics.errorsByType.connection_refused?.count ?? 0
  if (refused === 0) return undefined
  return (
    `${refused} connection attempts were refused; each user backed off before connecting again ` +
    `(${FIRST_BACKOFF_MS} ms, doubling to ${MAX_BACKOFF_MS} ms, until a response came), so the count follows ` +
    "the outage's length rather than the client's speed."
  )
}
