import type { CheckCounts, EndpointMetrics, LoadMetrics, NotSentReason } from '../foundation/model/index.ts'

/** The `checks` of several parts (endpoints) added up by name; undefined when none of them ran a check. */
export function sumChecks(
  parts: readonly { checks?: LoadMetrics['checks'] | undefined }[],
): Record<string, CheckCounts> | undefined {
  const sums = new Map<string, CheckCounts>()
  for (const part of parts) {
    for (const [name, counts] of Object.entries(part.checks ?? {})) {
      const sum = sums.get(name) ?? { passes: 0, fails: 0 }
      sum.passes += counts.passes
      sum.fails += counts.fails
      sums.set(name, sum)
    }
  }
  // Object.fromEntries: a check named `__proto__` stays a name.
  return sums.size === 0 ? undefined : Object.fromEntries(sums)
}

/** The `notSent` of several parts added up by reason (first sample messages kept); undefined when none. */
export function sumNotSent(
  parts: readonly { notSent?: LoadMetrics['notSent'] | undefined }[],
): LoadMetrics['notSent'] {
  const sums: NonNullable<LoadMetrics['notSent']> = {}
  for (const part of parts) {
    for (const [reason, summary] of Object.entries(part.notSent ?? {}) as [
      NotSentReason,
      { count: number; sampleMessages: string[] },
    ][]) {
      const sum = sums[reason] ?? { count: 0, sampleMessages: [] }
      sum.count += summary.count
      sum.sampleMessages = [...new Set([...sum.sampleMessages, ...summary.sampleMessages])].slice(0, 5)
      sums[reason] = sum
    }
  }
  return Object.keys(sums).length === 0 ? undefined : sums
}

/** Metrics with `checks` and `notSent` set when there are any (a tool's parsed metrics have neither). */
export function withCheckCounts(
  metrics: LoadMetrics,
  checks: LoadMetrics['checks'],
  notSent: LoadMetrics['notSent'],
): LoadMetrics {
  const result = { ...metrics }
  if (checks !== undefined) result.checks = checks
  if (notSent !== undefined) result.notSent = notSent
  return result
}

/** The run's metrics with its endpoints' checks and requests never sent added up. */
export function withEndpointCounts(
  metrics: LoadMetrics,
  endpoints: Record<string, EndpointMetrics>,
): LoadMetrics {
  const parts = Object.values(endpoints)
  return withCheckCounts(metrics, sumChecks(parts), sumNotSent(parts))
}
