import type { LoadMetrics } from '../foundation/model/index.ts'

/** How many requests a journey prepared and never sent (`metrics.notSent`, all reasons). */
export function notSentCount(metrics: Pick<LoadMetrics, 'notSent'>): number {
  let count = 0
  for (const summary of Object.values(metrics.notSent ?? {})) count += summary.count
  return count
}

/** Says that requests were never sent and where they are counted; undefined when all went out. */
export function notSentWarning(metrics: Pick<LoadMetrics, 'notSent'>): string | undefined {
  const count = notSentCount(metrics)
  if (count === 0) return undefined
  const reasons = Object.entries(metrics.notSent ?? {})
    .map(([reason, summary]) => `${reason} ${summary.count}`)
    .join(', ')
  const sample = Object.values(metrics.notSent ?? {})[0]?.sampleMessages[0]
  return (
    `${count} requests were never sent (${reasons}): a template or step function failed before they ` +
    'reached the wire. They are counted in `metrics.notSent`, not in the requests, error rate or ' +
    'throughput; in the closed model a user backs off before it tries again' +
    (sample === undefined ? '.' : `. E.g. "${sample}"`)
  )
}
