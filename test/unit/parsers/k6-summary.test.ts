import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { K6_THRESHOLDS_FAILED, k6ThresholdResults } from '../../../src/adapters/k6.ts'
import { ParseError } from '../../../src/errors.ts'
import { k6ToMetrics, parseK6Summary } from '../../../src/parsers/k6-summary.ts'

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/k6/${name}`, import.meta.url), 'utf8')

describe('parseK6Summary', () => {
  it('reads a real k6 v1.3 --summary-export', () => {
    const summary = parseK6Summary(fixture('summary-export-v1.3.json'))
    expect(summary.format).toBe('summary-export')
    expect(summary.metrics.get('http_reqs')).toEqual({ count: 145, rate: 47.9417 })
    // The export calls a Rate metric's rate `value`; it is read as `rate` too.
    expect(summary.metrics.get('http_req_failed')).toMatchObject({ passes: 0, fails: 145, rate: 0 })
  })

  it('reads inverted threshold verdicts of the export (true = failed)', () => {
    const { thresholds } = parseK6Summary(fixture('summary-export-thresholds.json'))
    expect(thresholds).toEqual([
      { metric: 'checks', expression: 'rate>70', passed: true },
      { metric: 'http_reqs', expression: 'rate<100', passed: false },
      { metric: 'my_trend', expression: 'my_trend<1000', passed: false },
    ])
  })

  it('reads the handleSummary shape: values, { ok } verdicts and the run duration', () => {
    const summary = parseK6Summary(fixture('handle-summary.json'))
    expect(summary.format).toBe('handle-summary')
    expect(summary.durationMs).toBe(2003.5)
    expect(summary.thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(95)<10', passed: false },
      { metric: 'http_req_duration', expression: 'avg<100', passed: true },
    ])
  })

  it('reads the new machine-readable summary', () => {
    const summary = parseK6Summary(fixture('machine-readable.json'))
    expect(summary.format).toBe('machine-readable')
    expect(summary.metrics.get('http_req_failed')).toMatchObject({ passes: 2, fails: 118 })
    expect(summary.durationMs).toBeCloseTo(30_010)
  })

  it('throws a ParseError on anything else', () => {
    expect(() => parseK6Summary('not json')).toThrow(ParseError)
    expect(() => parseK6Summary('[1, 2]')).toThrow(ParseError)
    expect(() => parseK6Summary('{"root_group": {}}')).toThrow(ParseError)
  })
})

describe('k6ToMetrics', () => {
  it('maps the real v1.3 export (no p(99) asked for there)', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('summary-export-v1.3.json')))
    expect(metrics).toMatchObject({
      totalRequests: 145,
      successfulRequests: 145,
      failedRequests: 0,
      errorRate: 0,
      throughput: 47.9417,
      bytesReceived: 27550,
      errorsByType: {},
      statusCodes: {},
    })
    expect(metrics.responseTimes).toMatchObject({
      min: 0.4365,
      avg: 2.584,
      p50: 1.8148,
      p90: 5.188,
      p95: 8.4896,
      max: 11.659,
      p99: 0,
    })
    expect(metrics.durationMs).toBeCloseTo((145 / 47.9417) * 1000)
  })

  it('maps failed requests and every percentile perfspec asks for', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('handle-summary.json')))
    expect(metrics).toMatchObject({
      totalRequests: 200,
      failedRequests: 4,
      successfulRequests: 196,
      errorRate: 2,
      durationMs: 2003.5,
    })
    expect(metrics.errorsByType.other?.count).toBe(4)
    expect(metrics.responseTimes).toEqual({
      min: 20.1,
      max: 30.5,
      avg: 21.4,
      stddev: 0,
      p50: 21.2,
      p75: 21.6,
      p90: 22.3,
      p95: 23.1,
      p99: 27.9,
      p999: 30.2,
    })
  })

  it('maps the machine-readable summary, whose counters have no rate', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('machine-readable.json')))
    expect(metrics).toMatchObject({ totalRequests: 120, failedRequests: 2 })
    expect(metrics.throughput).toBeCloseTo(120 / 30.01)
  })
})

describe('k6ThresholdResults', () => {
  it("turns k6's verdicts into threshold results that decide success", () => {
    const summary = parseK6Summary(fixture('summary-export-thresholds.json'))
    expect(k6ThresholdResults(summary, K6_THRESHOLDS_FAILED)).toEqual([
      { expression: 'k6 checks: rate>70', actual: 0.75, passed: true },
      { expression: 'k6 http_reqs: rate<100', actual: 3, passed: false },
      // A custom metric perfspec does not model: its headline value.
      { expression: 'k6 my_trend: my_trend<1000', actual: 15, passed: false },
    ])
  })

  it('fails the run on exit code 99 even when the summary carries no verdicts', () => {
    const summary = parseK6Summary(fixture('machine-readable.json'))
    expect(k6ThresholdResults(summary, K6_THRESHOLDS_FAILED)).toEqual([
      { expression: "k6's own thresholds (exit code 99)", actual: 99, passed: false },
    ])
    expect(k6ThresholdResults(summary, 0)).toEqual([])
  })
})
