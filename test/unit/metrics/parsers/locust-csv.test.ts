import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ParseError } from '../../../../src/foundation/errors.ts'
import {
  classifyLocustError,
  locustToMetrics,
  parseCsvRows,
  parseLocustExceptions,
  parseLocustFailures,
  parseLocustHistory,
  parseLocustLoadSpan,
  parseLocustStats,
} from '../../../../src/metrics/parsers/locust-csv.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/locust/${name}`, import.meta.url), 'utf8')

describe('parseCsvRows', () => {
  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsvRows('a,"b, ""c""",d\r\n1,2,3\n')).toEqual([
      ['a', 'b, "c"', 'd'],
      ['1', '2', '3'],
    ])
  })
})

describe('parseLocustStats', () => {
  it('reads the Aggregated row of a clean run', () => {
    const { aggregated, rows } = parseLocustStats(fixture('ok_stats.csv'))
    expect(rows).toHaveLength(1)
    expect(aggregated).toMatchObject({
      type: '',
      name: 'Aggregated',
      requestCount: 258,
      failureCount: 0,
      minMs: 19,
      maxMs: 32,
    })
    expect(aggregated.percentiles.get('50%')).toBe(21)
    expect(aggregated.percentiles.get('99.9%')).toBe(32)
  })

  it('throws a ParseError without an Aggregated row', () => {
    expect(() => parseLocustStats(fixture('ok_stats.csv').split('\n').slice(0, 2).join('\n'))).toThrow(
      ParseError,
    )
    expect(() => parseLocustStats('not,a,stats,file\n')).toThrow(ParseError)
  })
})

describe('locustToMetrics', () => {
  it('maps a clean run', () => {
    const metrics = locustToMetrics(parseLocustStats(fixture('ok_stats.csv')), [], 2000)
    expect(metrics).toMatchObject({
      totalRequests: 258,
      successfulRequests: 258,
      failedRequests: 0,
      errorRatePercent: 0,
      errorsByType: {},
    })
    expect(metrics.responseTimes).toMatchObject({
      p50: 21,
      p75: 21,
      p90: 22,
      p95: 22,
      p99: 28,
      p999: 32,
      min: 19,
      max: 32,
    })
    expect(metrics.rps).toBeCloseTo(138.42, 2)
    expect(metrics.durationMs).toBeCloseTo((258 / 138.41927004020198) * 1000, 6)
    expect(metrics.bytesReceived).toBe(516)
  })

  it('maps HTTP failures by status class', () => {
    const metrics = locustToMetrics(
      parseLocustStats(fixture('failures_stats.csv')),
      parseLocustFailures(fixture('failures_failures.csv')),
      2000,
    )
    expect(metrics.failedRequests).toBe(94)
    expect(metrics.errorsByType.http_5xx).toEqual({
      count: 46,
      sampleMessages: ["CatchResponseError('HTTP 500')"],
    })
    expect(metrics.errorsByType.http_4xx?.count).toBe(48)
  })

  it('maps refused connections (a quoted message with a comma)', () => {
    const failures = parseLocustFailures(fixture('refused_failures.csv'))
    expect(failures).toEqual([
      {
        method: 'GET',
        name: '/',
        error: "ConnectionRefusedError(111, 'Connection refused')",
        occurrences: 9611,
      },
    ])
    const metrics = locustToMetrics(parseLocustStats(fixture('refused_stats.csv')), failures, 2000)
    expect(metrics.errorsByType).toEqual({
      connection_refused: { count: 9611, sampleMessages: [failures[0]!.error] },
    })
    expect(metrics.errorRatePercent).toBe(100)
  })

  it('counts failures missing from the failures file as other', () => {
    const metrics = locustToMetrics(parseLocustStats(fixture('failures_stats.csv')), [], 2000)
    expect(metrics.errorsByType.other?.count).toBe(94)
  })
})

describe('classifyLocustError', () => {
  it.each([
    ["CatchResponseError('HTTP 503')", 'http_5xx'],
    ["CatchResponseError('HTTP 429')", 'http_4xx'],
    ["CatchResponseError('HTTP 302')", 'unexpected_status'],
    ["BadStatusCode('http://127.0.0.1:1/', code=500)", 'http_5xx'],
    ["ConnectionResetError(104, 'Connection reset by peer')", 'connection_reset'],
    ["timeout('timed out')", 'timeout'],
    ["gaierror(-2, 'Name or service not known')", 'dns'],
    ["HTTPParseError('invalid HTTP status line')", 'invalid_response'],
    [
      "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:992)')",
      'tls',
    ],
    ["SSLError('The read operation timed out')", 'timeout'],
    [
      "CatchResponseError('perfspec client raised: HTTPProtocolViolationError: A new response began before end of <HTTPSocketPoolResponse status=103>.')",
      'invalid_response',
    ],
    ["RuntimeError('boom')", 'other'],
  ])('%s → %s', (message, type) => {
    expect(classifyLocustError(message)).toBe(type)
  })
})

describe('parseLocustHistory', () => {
  it('turns running totals into per-second points', () => {
    const timeline = parseLocustHistory(fixture('failures_stats_history.csv'))
    expect(timeline[0]).toMatchObject({ second: 0, requests: 0, errors: 0, activeUsers: 0, p50: 0 })
    expect(timeline[1]).toMatchObject({
      second: 1,
      requests: 108,
      errors: 51,
      activeUsers: 3,
      p50: 21,
      p95: 44,
      p99: 46,
    })
  })
})

describe('Locust task exceptions', () => {
  // As Locust 2.12's StatsCSV.exceptions_csv writes them (one row per distinct message).
  const exceptionsCsv = [
    'Count,Message,Traceback,Nodes',
    '7,"A new response began before end of <HTTPSocketPoolResponse status=103 headers={\'link\': \'</a>\'}>.","  File ""x.py"", line 1",local',
  ].join('\r\n')

  it('parses the count and message of each row', () => {
    expect(parseLocustExceptions(exceptionsCsv)).toEqual([
      {
        count: 7,
        message:
          "A new response began before end of <HTTPSocketPoolResponse status=103 headers={'link': '</a>'}>.",
      },
    ])
  })
})

describe('the load span and the duration', () => {
  it("reads the span perfspec's entry point writes, and refuses what makes no span", () => {
    expect(parseLocustLoadSpan('{"started": 1000.25, "stopped": 1003.5}')).toBeCloseTo(3250, 6)
    for (const text of ['', '{', 'null', '{"started": 5, "stopped": 5}', '{"started": "1", "stopped": 2}'])
      expect(parseLocustLoadSpan(text), text).toBeUndefined()
  })

  it("takes the measured span for the duration and the rate, over Locust's shorter own", () => {
    const stats = parseLocustStats(fixture('ok_stats.csv'))
    const own = locustToMetrics(stats, [], 2000)
    const measured = locustToMetrics(stats, [], 2000, 4000)
    expect(measured.durationMs).toBe(4000)
    expect(measured.rps).toBeCloseTo(stats.aggregated.requestCount / 4, 6)
    expect(own.rps).toBe(stats.aggregated.requestsPerSecond)
  })
})
