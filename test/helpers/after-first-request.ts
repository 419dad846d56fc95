/** When a trigger armed by afterFirstRequest fired (performance.now()); NaN until it has. */
export interface Trigger {
  readonly firedAt: number
}

/**
 * Runs `action` `delayMs` after `server` received its first request. A run's clock starts once its
 * generator (a worker thread by default) is up, not when loadTest() is called, so "abort mid-run" is timed
 * from the first request.
 */
export function afterFirstRequest(
  server: { readonly count: number },
  delayMs: number,
  action: () => void,
): Trigger {
  return afterCondition(() => server.count > 0, delayMs, action)
}

/** Runs `action` `delayMs` after `condition` (polled every 5 ms) first held. */
export function afterCondition(condition: () => boolean, delayMs: number, action: () => void): Trigger {
  const trigger = { firedAt: Number.NaN }
  const poll = setInterval(() => {
    if (!condition()) return
    clearInterval(poll)
    setTimeout(() => {
      trigger.firedAt = performance.now()
      action()
    }, delayMs)
  }, 5)
  return trigger
}
