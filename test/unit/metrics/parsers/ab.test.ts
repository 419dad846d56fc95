import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ParseError } from '../../../../src/foundation/errors.ts'
import { abToMetrics, parseAbPercentileCsv, parseAbText } from '../../../../src/metrics/parsers/ab.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/ab/${name}`, import.meta.url), 'utf8')

describe('parseAbText', () => {
  it('reads the counters and the Total row of a clean run', () => {
    const summary = parseAbText(fixture('ok.txt'))
    expect(summary).toMatchObject({
      completeRequests: 200,
      failedRequests: 0,
      non2xxResponses: 0,
      keepAliveRequests: 0,
      timeTakenMs: 1106,
      requestsPerSecond: 180.91,
      htmlTransferredBytes: 400,
      total: { min: 20, mean: 22, sd: 0.9, median: 22, max: 27 },
    })
    expect(summary.percentiles.get(50)).toBe(22)
    expect(summary.percentiles.get(100)).toBe(27)
  })

  it('reads the failure breakdown and non-2xx responses', () => {
    const summary = parseAbText(fixture('failures.txt'))
    expect(summary.failures).toEqual({ connect: 0, receive: 40, length: 0, exceptions: 40 })
    expect(summary.failedRequests).toBe(80)
    expect(summary.non2xxResponses).toBe(78)
  })

  it('throws a ParseError on text that is not an ab report', () => {
    expect(() => parseAbText('ab: invalid URL\nUsage: ab [options]')).toThrow(ParseError)
  })
})

describe('parseAbPercentileCsv', () => {
  it('reads the 101-point curve in float ms', () => {
    const curve = parseAbPercentileCsv(fixture('ok.csv'))
    expect(curve).toHaveLength(101)
    expect(curve[0]).toBeLessThanOrEqual(curve[50]!)
    expect(curve[50]).toBeGreaterThanOrEqual(20)
    expect(curve[100]).toBeGreaterThanOrEqual(curve[99]!)
  })

  it('rejects a truncated curve', () => {
    expect(() => parseAbPercentileCsv('Percentage served,Time in ms\n0,1.0\n1,2.0\n')).toThrow(ParseError)
  })
})

describe('abToMetrics', () => {
  it('maps a clean run: totals, rps, percentiles from the curve', () => {
    const curve = parseAbPercentileCsv(fixture('ok.csv'))
    const metrics = abToMetrics(parseAbText(fixture('ok.txt')), curve)
    expect(metrics).toMatchObject({
      totalRequests: 200,
      successfulRequests: 200,
      failedRequests: 0,
      errorRatePercent: 0,
      rps: 180.91,
      bytesReceived: 400,
      durationMs: 1106,
      errorsByType: {},
    })
    expect(metrics.responseTimes).toMatchObject({
      min: curve[0],
      p50: curve[50],
      p99: curve[99],
      max: curve[100],
    })
    expect(metrics.responseTimes.mean).toBe(22)
  })

  it('maps resets to connection_reset and non-2xx to unexpected_status without counting a reset twice', () => {
    const metrics = abToMetrics(
      parseAbText(fixture('failures.txt')),
      parseAbPercentileCsv(fixture('failures.csv')),
    )
    expect(metrics.errorsByType.connection_reset?.count).toBe(40)
    expect(metrics.errorsByType.unexpected_status?.count).toBe(78)
    expect(metrics.errorsByType.other).toBeUndefined()
    expect(metrics.failedRequests).toBe(118)
    expect(metrics.successfulRequests).toBe(82)
    expect(metrics.errorRatePercent).toBeCloseTo(59)
  })

  it('maps Length failures to invalid_response and never reports more failures than requests', () => {
    const metrics = abToMetrics(parseAbText(fixture('failures-length.txt')))
    // Length 155 counts the 44 resets (Receive) again: their partial bodies differ from the first one.
    expect(metrics.errorsByType.invalid_response?.count).toBe(155 - 44)
    expect(metrics.errorsByType.connection_reset?.count).toBe(44)
    expect(metrics.failedRequests).toBe(200)
    // Without the curve the integer table is used.
    expect(Number.isInteger(metrics.responseTimes.p50)).toBe(true)
  })
})

describe('abToMetrics with what the probe learned', () => {
  const withLength = (bytes: number) =>
    parseAbText(
      fixture('ok.txt').replace(/Document Length:\s+Variable/, `Document Length:        ${bytes} bytes`),
    )

  it('reads Document Length, and none for `Variable`', () => {
    expect(withLength(2).documentLengthBytes).toBe(2)
    expect(parseAbText(fixture('ok.txt')).documentLengthBytes).toBeUndefined()
  })

  it('counts responses shorter than their Content-Length as invalid_response', () => {
    const metrics = abToMetrics(withLength(2), undefined, {
      truncated: { declaredBytes: 10, receivedBytes: 2 },
    })
    expect(metrics.errorsByType.invalid_response?.count).toBe(200)
    expect(metrics.failedRequests).toBe(200)
  })

  it('counts nothing as truncated when ab received the announced length', () => {
    const metrics = abToMetrics(withLength(10), undefined, {
      truncated: { declaredBytes: 10, receivedBytes: 2 },
    })
    expect(metrics.failedRequests).toBe(0)
  })
})
