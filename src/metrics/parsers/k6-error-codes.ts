import type { ErrorType } from '../../foundation/model/index.ts'

/**
 * One row of k6's error-code table (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) mapped
 * onto perfspec's ErrorType. `errorPattern`, when set, must also match the response's `error` text: k6 files
 * several unrelated failures under the generic 1000.
 */
export interface K6ErrorRule {
  /** First and last `error_code` of the rule (inclusive). */
  from: number
  to: number
  /** A RegExp source matched against `response.error`, or null for any text. */
  errorPattern: string | null
  type: ErrorType
  /** What k6 means by these codes, for the result's sample messages. */
  meaning: string
}

const rule = (
  codes: [from: number, to: number],
  type: ErrorType,
  meaning: string,
  errorPattern: string | null = null,
): K6ErrorRule => ({ from: codes[0], to: codes[1], errorPattern, type, meaning })

/**
 * First match wins; a failure no rule matches is `other`. Seen from k6 v0.48 against loopback servers: 1050
 * (hanging server), 1212 (closed port), 1220 (reset), 1101 (a .invalid name), 1000 with Go's texts below,
 * and TLS: 1310 (self-signed), 1311 (another host's certificate), 1301 (a server that does not speak TLS),
 * 1000 `x509: certificate has expired…`, 1010 `remote error: tls: certificate required`.
 */
export const K6_ERROR_RULES: readonly K6ErrorRule[] = [
  rule([1050, 1050], 'timeout', '1050 (request timeout)'),
  rule([1300, 1399], 'tls', '1300–1399 (TLS)'),
  // Go's TLS errors k6 has no code of its own for (an expired certificate, the server's alert).
  rule([1000, 1010], 'tls', '1000/1010 with an x509 or tls error', '(?:^|: )(?:x509|tls): '),
  rule([1211, 1211], 'timeout', '1211 (TCP dial timeout)'),
  rule([1100, 1199], 'dns', '1100–1199 (DNS)'),
  rule([1212, 1212], 'connection_refused', '1212 (TCP dial: connection refused)'),
  rule([1220, 1220], 'connection_reset', '1220 (reset by peer)'),
  rule([1201, 1201], 'connection_reset', '1201 (broken pipe on write)'),
  // Go's HTTP client: a status line or header that is not HTTP, a body shorter than its Content-Length.
  rule(
    [1000, 1000],
    'invalid_response',
    '1000 (malformed response, truncated body)',
    'malformed HTTP|malformed MIME|unexpected EOF',
  ),
  // The server closed the connection before responding.
  rule([1000, 1000], 'connection_reset', '1000 (EOF before a response)', '^EOF$'),
  rule([1701, 1701], 'invalid_response', '1701 (response decompression failed)'),
  // HTTP/2 (k6: 1611 + the frame's error code, 1610/1630/1650 for an unknown one).
  rule([1610, 1624], 'connection_reset', '1610–1624 (HTTP/2 GOAWAY with an error)'),
  rule([1638, 1638], 'stream_refused', '1638 (HTTP/2 REFUSED_STREAM)'),
  rule([1630, 1644], 'stream_reset', '1630–1644 (HTTP/2 RST_STREAM)'),
  rule([1650, 1664], 'invalid_response', '1650–1664 (HTTP/2 connection error)'),
]

/** The error types the generated k6 script counts failures under, one Counter each. */
export const K6_FAILURE_TYPES = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns',
  'http_4xx',
  'http_5xx',
  'unexpected_status',
  'invalid_response',
  'tls',
  'stream_refused',
  'stream_reset',
  'other',
] as const satisfies readonly ErrorType[]

/** The k6 Counter (in the summary) that holds the failed requests of one error type. */
export function k6FailureMetric(type: ErrorType): string {
  return `perfspec_failed_${type}`
}

const STATUS_MEANINGS: Partial<Record<ErrorType, string>> = {
  http_4xx: 'a 4xx status outside the expected ones',
  http_5xx: 'a 5xx status outside the expected ones',
  unexpected_status: 'a status outside the expected ones',
  other: 'an error_code perfspec does not map (an invalid URL, …)',
}

/** The sample message for `count` failures of `type`, naming the k6 error codes behind it. */
export function describeK6Failures(type: ErrorType, count: number): string {
  const codes = K6_ERROR_RULES.filter((rule) => rule.type === type).map((rule) => rule.meaning)
  const why = STATUS_MEANINGS[type] ?? `k6 error_code ${codes.join(' or ')}`
  return `k6 counted ${count} failed requests with ${why}`
}
