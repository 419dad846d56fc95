import type { EndpointMetrics, TimelinePoint } from '../../foundation/model/index.ts'
import type { HttpMethod } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import type { KnownEndpoints } from './endpoint-names.ts'
import {
  type LocustFailure,
  type LocustStatsRow,
  locustRowToMetrics,
  parseLocustHistory,
} from './locust-csv.ts'

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The key of each row: its name, or `METHOD name` when one name comes with several methods (a user's
 * locustfile that GETs and POSTs `/items` has two endpoints, not one blend of both).
 */
export function endpointKeys(rows: readonly LocustStatsRow[]): string[] {
  const methodsByName = new Map<string, Set<string>>()
  for (const row of rows) {
    const methods = methodsByName.get(row.name) ?? new Set<string>()
    methods.add(row.type)
    methodsByName.set(row.name, methods)
  }
  return rows.map((row) =>
    (methodsByName.get(row.name)?.size ?? 0) > 1 ? `${row.type} ${row.name}` : row.name,
  )
}

/** Adds the requests after the last history row (written once a second) as one more point. */
export function withFinalPoint(
  timeline: TimelinePoint[],
  total: { requests: number; failures: number; users: number },
): TimelinePoint[] {
  const counted = timeline.reduce((sum, point) => sum + point.requests, 0)
  const errors = timeline.reduce((sum, point) => sum + point.errors, 0)
  const last = timeline.at(-1)
  if (last === undefined || total.requests <= counted) return timeline
  return [
    ...timeline,
    {
      ...last,
      second: last.second + 1,
      requests: total.requests - counted,
      errors: Math.max(0, total.failures - errors),
      activeUsers: total.users,
    },
  ]
}

/**
 * Locust's per-name rows as endpoints: each with its own counts, percentiles, classified failures and (from
 * `--csv-full-history`) its own timeline. `known` supplies the path templates of a generated journey; a
 * user's locustfile reports its names as paths (Locust names a request by its URL path unless told otherwise).
 */
export function locustEndpoints(
  rows: readonly LocustStatsRow[],
  failures: readonly LocustFailure[],
  historyText: string | undefined,
  fallbackDurationMs: number,
  known: KnownEndpoints = new Map(),
  loadMs?: number,
): Record<string, EndpointMetrics> {
  const keys = endpointKeys(rows)
  const endpoints: Record<string, EndpointMetrics> = {}
  rows.forEach((row, index) => {
    const key = keys[index] ?? row.name
    const own = failures.filter((failure) => failure.name === row.name && failure.method === row.type)
    const metrics = locustRowToMetrics(row, own, fallbackDurationMs, loadMs)
    const history = historyText === undefined ? [] : parseLocustHistory(historyText, row)
    const timeline = withFinalPoint(history, {
      requests: metrics.totalRequests,
      failures: metrics.failedRequests,
      users: 0,
    })
    // A custom client's request type (`grpc`, …) is kept as Locust wrote it: it is what the user named.
    const method = (
      HTTP_METHODS.has(row.type.toUpperCase()) ? row.type.toUpperCase() : row.type
    ) as HttpMethod
    setOwn(endpoints, key, {
      ...metrics,
      method: known.get(row.name)?.method ?? method,
      path: known.get(row.name)?.path ?? row.name,
      timeline,
    })
  })
  return endpoints
}
