import { ParseError } from '../../foundation/errors.ts'
import type { ErrorType, LoadMetrics, TimelinePoint } from '../../foundation/model/index.ts'
import { deriveRequestCounts } from '../request-counts.ts'

/** One row of Locust's `_stats.csv` (times in ms; percentiles rounded by Locust to 2 significant digits). */
export interface LocustStatsRow {
  /** The HTTP method; empty on the Aggregated row. */
  type: string
  name: string
  requestCount: number
  failureCount: number
  medianMs: number
  avgMs: number
  minMs: number
  maxMs: number
  avgContentSize: number
  requestsPerSecond: number
  /** Column label (`'50%'`, `'99.9%'`, …) → ms; undefined where Locust wrote `N/A`. */
  percentiles: Map<string, number | undefined>
}

/** One row of `_failures.csv`. */
export interface LocustFailure {
  method: string
  name: string
  error: string
  occurrences: number
}

/** One row of `_exceptions.csv`: an exception a task raised (not a request Locust counted), by message. */
export interface LocustException {
  count: number
  message: string
}

/** Splits CSV text into rows of fields (RFC 4180 quoting, as Python's csv module writes it). */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

/** Rows as objects keyed by the header row. */
function records(text: string, file: string, required: string[]): Record<string, string>[] {
  const [header, ...rows] = parseCsvRows(text)
  if (header === undefined || !required.every((column) => header.includes(column))) {
    throw new ParseError(`Locust ${file}: expected the columns ${required.join(', ')}`)
  }
  return rows
    .filter((row) => row.length === header.length)
    .map((row) => Object.fromEntries(header.map((column, index) => [column, row[index] ?? ''])))
}

function num(value: string | undefined): number {
  const number = Number(value)
  return value === undefined || value === '' || !Number.isFinite(number) ? 0 : number
}

const PERCENTILE_COLUMN = /^\d+(?:\.\d+)?%$/

/** Parses `_stats.csv`: one row per request name plus the Aggregated row. */
export function parseLocustStats(text: string): { rows: LocustStatsRow[]; aggregated: LocustStatsRow } {
  const rows = records(text, '_stats.csv', ['Name', 'Request Count', 'Failure Count']).map((record) => ({
    type: record.Type ?? '',
    name: record.Name ?? '',
    requestCount: num(record['Request Count']),
    failureCount: num(record['Failure Count']),
    medianMs: num(record['Median Response Time']),
    avgMs: num(record['Average Response Time']),
    minMs: num(record['Min Response Time']),
    maxMs: num(record['Max Response Time']),
    avgContentSize: num(record['Average Content Size']),
    requestsPerSecond: num(record['Requests/s']),
    percentiles: new Map(
      Object.entries(record)
        .filter(([column]) => PERCENTILE_COLUMN.test(column))
        .map(([column, value]) => [column, value === 'N/A' ? undefined : num(value)]),
    ),
  }))
  const aggregated = rows.find((row) => row.type === '' && row.name === 'Aggregated')
  if (aggregated === undefined) throw new ParseError('Locust _stats.csv has no Aggregated row')
  return { rows: rows.filter((row) => row !== aggregated), aggregated }
}

/** Parses `_failures.csv`. */
export function parseLocustFailures(text: string): LocustFailure[] {
  return records(text, '_failures.csv', ['Method', 'Name', 'Error', 'Occurrences']).map((record) => ({
    method: record.Method ?? '',
    name: record.Name ?? '',
    error: record.Error ?? '',
    occurrences: num(record.Occurrences),
  }))
}

/** Parses `_exceptions.csv`. */
export function parseLocustExceptions(text: string): LocustException[] {
  return records(text, '_exceptions.csv', ['Count', 'Message']).map((record) => ({
    count: num(record.Count),
    message: record.Message ?? '',
  }))
}

const ERROR_PATTERNS: [RegExp, ErrorType][] = [
  // The generated locustfiles' own failures (see LOCUST_STEP_ERRORS and LOCUST_CLIENT_RAISED).
  [/perfspec template:/, 'template'],
  [/perfspec capture:/, 'capture_failed'],
  // Locust's client raised on what the server sent (a 1xx interim response, a HEAD answered with a body).
  [/perfspec client raised:/, 'invalid_response'],
  [/Too many open files|Errno 2[34]\b/i, 'fd_exhausted'],
  [/ConnectionRefused|Connection refused|Errno 111\b/i, 'connection_refused'],
  [
    /ConnectionReset|reset by peer|BrokenPipe|Errno (?:104|32)\b|ConnectionClosed|RemoteDisconnected/i,
    'connection_reset',
  ],
  [/timeout|timed out/i, 'timeout'],
  // Python's ssl module: a certificate not verified (untrusted, expired, another host) or a failed handshake.
  [/SSL|CERTIFICATE_VERIFY_FAILED|CertificateError/, 'tls'],
  [/gaierror|Name or service not known|name resolution|nodename nor servname/i, 'dns'],
  [/ParseError|BadStatusLine|IncompleteRead|EmptyResponse|InvalidChunk|Invalid HTTP/i, 'invalid_response'],
]

/** Maps a Locust failure message (the exception's repr, or `HTTP 503` from perfspec's locustfile) to an ErrorType. */
export function classifyLocustError(message: string): ErrorType {
  const status = /\bHTTP (\d{3})\b|code=(\d{3})\b|\b(\d{3}) (?:Client|Server) Error/.exec(message)
  if (status !== null) {
    const code = Number(status[1] ?? status[2] ?? status[3])
    return code >= 500 ? 'http_5xx' : code >= 400 ? 'http_4xx' : 'unexpected_status'
  }
  for (const [pattern, type] of ERROR_PATTERNS) if (pattern.test(message)) return type
  return 'other'
}

const SAMPLE_MESSAGES = 5

/**
 * The load's span in ms from what perfspec's entry point writes at quit (`{"started": s, "stopped": s}`,
 * epoch seconds); undefined when the text says nothing usable.
 */
export function parseLocustLoadSpan(text: string): number | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const { started, stopped } = (value ?? {}) as { started?: unknown; stopped?: unknown }
  if (typeof started !== 'number' || typeof stopped !== 'number' || !(stopped > started)) return undefined
  return (stopped - started) * 1000
}

/**
 * Maps Locust's Aggregated row and failures onto LoadMetrics. `loadMs` is how long the load ran, when
 * perfspec's entry point measured it; else the duration is Locust's own (from its first request to its last
 * completed one), and `fallbackDurationMs` serves when nothing ran.
 */
export function locustToMetrics(
  stats: { aggregated: LocustStatsRow },
  failures: LocustFailure[],
  fallbackDurationMs: number,
  loadMs?: number,
): LoadMetrics {
  return locustRowToMetrics(stats.aggregated, failures, fallbackDurationMs, loadMs)
}

/** Maps one `_stats.csv` row (an endpoint's, or the Aggregated one) and its failures onto LoadMetrics. */
export function locustRowToMetrics(
  row: LocustStatsRow,
  failures: readonly LocustFailure[],
  fallbackDurationMs: number,
  loadMs?: number,
): LoadMetrics {
  const errorsByType: LoadMetrics['errorsByType'] = {}
  const add = (type: ErrorType, count: number, message?: string): void => {
    const summary = errorsByType[type] ?? { count: 0, sampleMessages: [] }
    errorsByType[type] = summary
    summary.count += count
    if (message !== undefined && summary.sampleMessages.length < SAMPLE_MESSAGES)
      summary.sampleMessages.push(message)
  }
  let classified = 0
  for (const failure of failures) {
    add(classifyLocustError(failure.error), failure.occurrences, failure.error)
    classified += failure.occurrences
  }
  if (row.failureCount > classified) add('other', row.failureCount - classified)
  const at = (column: string): number => row.percentiles.get(column) ?? 0
  // Locust's rate is requests over the span from the test's start to the last completed request.
  const locustMs = row.requestsPerSecond > 0 ? (row.requestCount / row.requestsPerSecond) * 1000 : undefined
  const durationMs = loadMs ?? locustMs ?? fallbackDurationMs
  return {
    ...deriveRequestCounts({
      total: row.requestCount,
      failed: row.failureCount,
      durationMs,
      rps: loadMs === undefined ? row.requestsPerSecond : undefined,
    }),
    responseTimes: {
      min: row.minMs,
      max: row.maxMs,
      mean: row.avgMs,
      sd: 0,
      p50: at('50%'),
      p75: at('75%'),
      p90: at('90%'),
      p95: at('95%'),
      p99: at('99%'),
      p999: at('99.9%'),
    },
    errorsByType,
    statusCodes: {},
    bytesReceived: Math.round(row.avgContentSize * row.requestCount),
    durationMs,
  }
}

/**
 * Turns `_stats_history.csv` (one row a second per endpoint with `--csv-full-history`; the Aggregated row by
 * default) into a timeline: requests and errors are the differences of Locust's running totals; percentiles
 * are the ones Locust wrote at that second (cumulative without `--csv-full-history`, else its 10 s window).
 */
export function parseLocustHistory(
  text: string,
  row: { type: string; name: string } = { type: '', name: 'Aggregated' },
): TimelinePoint[] {
  const all = records(text, '_stats_history.csv', ['Timestamp', 'Name', 'Total Request Count'])
  // Every row's second counts from the run's first row, so endpoint timelines line up with the run's.
  const first = num(all[0]?.Timestamp)
  const rows = all.filter((record) => record.Name === row.name && (record.Type ?? '') === row.type)
  const points: TimelinePoint[] = []
  let requests = 0
  let failures = 0
  for (const record of rows) {
    const totalRequests = num(record['Total Request Count'])
    const totalFailures = num(record['Total Failure Count'])
    const point: TimelinePoint = {
      second: num(record.Timestamp) - first,
      requests: Math.max(0, totalRequests - requests),
      errors: Math.max(0, totalFailures - failures),
      p50: num(record['50%']),
      p95: num(record['95%']),
      p99: num(record['99%']),
      activeUsers: num(record['User Count']),
    }
    requests = Math.max(requests, totalRequests)
    failures = Math.max(failures, totalFailures)
    // Two rows in one second: the later one holds the running total.
    const last = points.at(-1)
    if (last?.second === point.second) {
      last.requests += point.requests
      last.errors += point.errors
      Object.assign(last, { p50: point.p50, p95: point.p95, p99: point.p99, activeUsers: point.activeUsers })
    } else points.push(point)
  }
  return points
}
