import { ParseError } from '../../foundation/errors.ts'
import type { ErrorType, LoadMetrics, ResponseTimeStats } from '../../foundation/model/index.ts'
import { deriveRequestCounts, perSecond } from '../request-counts.ts'

/** One row of ab's "Connection Times (ms)" table (integer ms). */
export interface AbTimeRow {
  min: number
  mean: number
  /** Absent with `-S`. */
  sd: number | undefined
  /** Absent with `-S`. */
  median: number | undefined
  max: number
}

/** What ab's text report says, field by field. */
export interface AbSummary {
  completeRequests: number
  failedRequests: number
  /** ab's breakdown of `Failed requests` (a request can land in more than one). */
  failures: { connect: number; receive: number; length: number; exceptions: number }
  writeErrors: number
  non2xxResponses: number
  /** Undefined without `-k`. */
  keepAliveRequests: number | undefined
  timeTakenMs: number
  /** Undefined when ab completed no request. */
  requestsPerSecond: number | undefined
  htmlTransferredBytes: number
  /** The body length of the first response (`Document Length`); undefined for `Variable` (`-l`). */
  documentLengthBytes: number | undefined
  /** The `Total:` row: connect plus processing time. */
  total: AbTimeRow | undefined
  /** The "served within" table: percent → integer ms (50, 66, …, 100). */
  percentiles: Map<number, number>
}

function toNumber(value: string, key: string): number {
  const number = Number.parseFloat(value)
  if (!Number.isFinite(number)) throw new ParseError(`ab output: cannot read \`${key}\` from '${value}'`)
  return number
}

function parseTimeRow(rest: string): AbTimeRow {
  const values = rest.trim().split(/\s+/).map(Number)
  if (values.length === 5) {
    const [min, mean, sd, median, max] = values as [number, number, number, number, number]
    return { min, mean, sd, median, max }
  }
  if (values.length === 3) {
    const [min, mean, max] = values as [number, number, number]
    return { min, mean, sd: undefined, median: undefined, max }
  }
  throw new ParseError(`ab output: unexpected Connection Times row '${rest.trim()}'`)
}

/** Parses ab's text report (stdout, without `-w`). Keys are matched tolerantly; required ones throw when missing. */
export function parseAbText(text: string): AbSummary {
  const fields = new Map<string, string>()
  const percentiles = new Map<number, number>()
  const failures = { connect: 0, receive: 0, length: 0, exceptions: 0 }
  let total: AbTimeRow | undefined
  let inTimes = false
  for (const line of text.split(/\r?\n/)) {
    const breakdown = /^\s*\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)/.exec(line)
    if (breakdown !== null) {
      const [, connect, receive, length, exceptions] = breakdown.map(Number) as number[]
      Object.assign(failures, { connect, receive, length, exceptions })
      continue
    }
    const percentile = /^\s*(\d+)%\s+(\d+)/.exec(line)
    if (percentile !== null) {
      percentiles.set(Number(percentile[1]), Number(percentile[2]))
      continue
    }
    if (line.startsWith('Connection Times (ms)')) inTimes = true
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const key = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (inTimes) {
      if (key === 'Total') total = parseTimeRow(value)
      continue
    }
    if (!fields.has(key)) fields.set(key, value)
  }
  const required = (key: string): number => {
    const value = fields.get(key)
    if (value === undefined)
      throw new ParseError(`ab output has no \`${key}\` line; is this ab's text report?`)
    return toNumber(value, key)
  }
  const optional = (key: string): number | undefined => {
    const value = fields.get(key)
    return value === undefined ? undefined : toNumber(value, key)
  }
  return {
    completeRequests: required('Complete requests'),
    failedRequests: required('Failed requests'),
    failures,
    writeErrors: optional('Write errors') ?? 0,
    non2xxResponses: optional('Non-2xx responses') ?? 0,
    keepAliveRequests: optional('Keep-Alive requests'),
    timeTakenMs: required('Time taken for tests') * 1000,
    requestsPerSecond: optional('Requests per second'),
    htmlTransferredBytes: optional('HTML transferred') ?? 0,
    documentLengthBytes: /^\d+/.test(fields.get('Document Length') ?? '')
      ? Number.parseInt(fields.get('Document Length') ?? '', 10)
      : undefined,
    total,
    percentiles,
  }
}

/** Parses ab's `-e` CSV: 101 rows `percent,ms` (row 0 = fastest, row 100 = slowest). */
export function parseAbPercentileCsv(csv: string): number[] {
  const curve: number[] = []
  for (const line of csv.split(/\r?\n/).slice(1)) {
    if (line.trim() === '') continue
    const [percent, ms] = line.split(',')
    const index = Number(percent)
    const value = Number(ms)
    if (!Number.isInteger(index) || index !== curve.length || !Number.isFinite(value)) {
      throw new ParseError(`ab percentile CSV: unexpected row '${line}'`)
    }
    curve.push(value)
  }
  if (curve.length !== 101) throw new ParseError(`ab percentile CSV: expected 101 rows, got ${curve.length}`)
  return curve
}

function responseTimes(summary: AbSummary, curve: number[] | undefined): ResponseTimeStats {
  const row = summary.total
  // The float curve when there is one, else the integer table; both whole percentiles only, so p99.9 is
  // reported as the slowest request.
  const at =
    curve === undefined
      ? (percent: number): number =>
          summary.percentiles.get(percent) ?? (percent === 100 ? (row?.max ?? 0) : 0)
      : (percent: number): number => curve[percent] ?? 0
  const min = curve === undefined ? (row?.min ?? 0) : at(0)
  const max = at(100)
  return {
    min,
    max,
    mean: row?.mean ?? 0,
    sd: row?.sd ?? 0,
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: max,
  }
}

function describeCount(count: number, what: string): string {
  return `ab counted ${count} ${what}`
}

/** What perfspec learned about the server before ab ran (see the ab adapter's probe). */
export interface AbServerFacts {
  /** The server closed before sending the body its `Content-Length` announced. */
  truncated?: { declaredBytes: number; receivedBytes: number }
}

/** Requests whose body ab took as complete though the server cut it short; ab itself cannot tell. */
function truncatedCount(summary: AbSummary, facts: AbServerFacts): number {
  const truncated = facts.truncated
  const first = summary.documentLengthBytes
  if (truncated === undefined || first === undefined || first >= truncated.declaredBytes) return 0
  // ab measured its first response short, as perfspec's probe did: every response of that length was cut
  // short; the ones of other lengths are already ab's `Length` failures.
  return Math.max(0, summary.completeRequests - summary.failures.length)
}

/**
 * Maps ab's counters onto LoadMetrics. ab counts a failed connect outside `Complete requests`, a reset both
 * as `Receive` and `Exceptions`, a receive error again as `Length` (the partial body differs from the first
 * one), and non-2xx responses (any status, ab does not say which) apart from `Failed requests`; the mapping
 * undoes these overlaps as far as the counters allow.
 */
export function abToMetrics(summary: AbSummary, curve?: number[], facts: AbServerFacts = {}): LoadMetrics {
  const { failures } = summary
  const counts: [ErrorType, number, string][] = [
    ['connection_refused', failures.connect, 'failed connects (Connect)'],
    [
      'connection_reset',
      failures.receive + summary.writeErrors,
      'receive or write errors: refused or reset connections (Receive, Write errors)',
    ],
    [
      'invalid_response',
      // A receive error closes the connection with a partial body, which ab counts once more as `Length`.
      Math.max(0, failures.length - failures.receive) + truncatedCount(summary, facts),
      'responses whose length differs from the first one (Length) or from their Content-Length',
    ],
    ['other', Math.max(0, failures.exceptions - failures.receive), 'socket exceptions (Exceptions)'],
    ['unexpected_status', summary.non2xxResponses, 'non-2xx responses (ab does not report which status)'],
  ]
  const errorsByType: LoadMetrics['errorsByType'] = {}
  let failed = 0
  for (const [type, count, what] of counts) {
    if (count <= 0) continue
    errorsByType[type] = { count, sampleMessages: [describeCount(count, what)] }
    failed += count
  }
  const totalRequests = summary.completeRequests + failures.connect
  const failedRequests = Math.min(totalRequests, failed)
  const durationMs = summary.timeTakenMs
  return {
    // ab's own rate counts completed requests only: so does the fallback.
    ...deriveRequestCounts({
      total: totalRequests,
      failed: failedRequests,
      durationMs,
      rps: summary.requestsPerSecond ?? perSecond(summary.completeRequests, durationMs),
    }),
    responseTimes: responseTimes(summary, curve),
    errorsByType,
    statusCodes: {},
    bytesReceived: summary.htmlTransferredBytes,
    durationMs,
  }
}
