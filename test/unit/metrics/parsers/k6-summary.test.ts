import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { K6_THRESHOLDS_FAILED, k6ThresholdResults } from '../../../../src/adapters/k6.ts'
import { ParseError } from '../../../../src/foundation/errors.ts'
import { k6ToMetrics, parseK6Summary } from '../../../../src/metrics/parsers/k6-summary.ts'

// Every fixture is real k6 output (test/fixtures/README.md says how each was recorded).
const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/k6/${name}`, import.meta.url), 'utf8')

// The same run (2 VUs, 2 s, user script with thresholds, exit code 99) as `--summary-export` and as the
// `handleSummary(data)` argument: the two shapes must read the same.
const EXPORT_THRESHOLDS = 'summary-export-v0.48-thresholds.json'
const HANDLE_SUMMARY = 'handle-summary-v0.48.json'

describe('parseK6Summary', () => {
  it('reads a real k6 v0.48 --summary-export of the generated script', () => {
    const summary = parseK6Summary(fixture('summary-export-v0.48.json'))
    expect(summary.format).toBe('summary-export')
    expect(summary.metrics.get('http_reqs')).toEqual({ count: 380, rate: 188.5994663041089 })
    // The export calls a Rate metric's rate `value`; it is read as `rate` too.
    expect(summary.metrics.get('http_req_failed')).toEqual({ passes: 0, fails: 380, value: 0, rate: 0 })
    expect(summary.metrics.get('http_req_duration')).toMatchObject({ 'p(99)': 22.996947409999976 })
    expect(summary.thresholds).toEqual([])
    expect(summary.durationMs).toBeUndefined()
  })

  it('reads a real k6 v1.3 --summary-export', () => {
    const summary = parseK6Summary(fixture('summary-export-v1.3.json'))
    expect(summary.format).toBe('summary-export')
    expect(summary.metrics.get('http_reqs')).toEqual({ count: 145, rate: 47.9417 })
    expect(summary.metrics.get('http_req_failed')).toMatchObject({ passes: 0, fails: 145, rate: 0 })
  })

  it('reads the inverted threshold verdicts of the export (true = failed), sub-metrics included', () => {
    const { thresholds } = parseK6Summary(fixture(EXPORT_THRESHOLDS))
    expect(thresholds).toHaveLength(6)
    expect(thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'http_req_duration', expression: 'p(95)<1', passed: false },
        { metric: 'http_req_duration', expression: 'avg<100', passed: true },
        { metric: 'http_req_duration{expected_response:true}', expression: 'max<1000', passed: true },
        { metric: 'http_req_failed', expression: 'rate<0.9', passed: true },
        { metric: 'http_reqs', expression: 'count>10', passed: true },
        { metric: 'checks', expression: 'rate>0.99', passed: false },
      ]),
    )
  })

  it('reads the handleSummary shape of the same run: values, { ok } verdicts and the run duration', () => {
    const exported = parseK6Summary(fixture(EXPORT_THRESHOLDS))
    const summary = parseK6Summary(fixture(HANDLE_SUMMARY))
    expect(summary.format).toBe('handle-summary')
    expect(summary.durationMs).toBe(2001.831005)
    expect(summary.metrics.get('http_req_failed')).toEqual({
      rate: 0.5052631578947369,
      passes: 96,
      fails: 94,
    })
    expect(summary.metrics.get('http_req_duration')).toEqual(exported.metrics.get('http_req_duration'))
    const sorted = (list: typeof summary.thresholds) =>
      [...list].sort((a, b) => `${a.metric}${a.expression}`.localeCompare(`${b.metric}${b.expression}`))
    expect(sorted(summary.thresholds)).toEqual(sorted(exported.thresholds))
  })

  it('refuses the machine-readable summary of k6 ≥ 1.5, which has no verdicts and no p(99)', () => {
    const machineReadable = JSON.stringify({ version: '1.0.0', results: { metrics: [] } })
    expect(() => parseK6Summary(machineReadable)).toThrow(/K6_NEW_MACHINE_READABLE_SUMMARY=false/)
  })

  it('throws a ParseError on anything else', () => {
    expect(() => parseK6Summary('not json')).toThrow(ParseError)
    expect(() => parseK6Summary('[1, 2]')).toThrow(ParseError)
    expect(() => parseK6Summary('{"root_group": {}}')).toThrow(ParseError)
  })
})

describe('k6ToMetrics', () => {
  it('maps the v0.48 export with every percentile perfspec asks for', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('summary-export-v0.48.json')))
    expect(metrics).toMatchObject({
      totalRequests: 380,
      successfulRequests: 380,
      failedRequests: 0,
      errorRatePercent: 0,
      rps: 188.5994663041089,
      bytesReceived: 47500,
      errorsByType: {},
      statusCodes: {},
    })
    expect(metrics.responseTimes).toEqual({
      min: 19.290101,
      max: 25.495288,
      mean: 21.052290892105255,
      sd: 0,
      p50: 21.0183395,
      p75: 21.44873225,
      p90: 21.8014477,
      p95: 22.11675505,
      p99: 22.996947409999976,
      p999: 25.420783801000006,
    })
    expect(metrics.durationMs).toBeCloseTo((380 / 188.5994663041089) * 1000)
  })

  it('maps the real v1.3 export (no p(99) asked for there)', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('summary-export-v1.3.json')))
    expect(metrics).toMatchObject({ totalRequests: 145, failedRequests: 0, rps: 47.9417 })
    expect(metrics.responseTimes).toMatchObject({ p50: 1.8148, p95: 8.4896, p99: 0 })
    expect(metrics.durationMs).toBeCloseTo((145 / 47.9417) * 1000)
  })

  it("files the generated script's failures by type: 4xx, 5xx and the reset k6 saw", () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('summary-export-v0.48-failures.json')))
    expect(metrics).toMatchObject({ totalRequests: 387, failedRequests: 195, successfulRequests: 192 })
    expect(metrics.errorsByType).toEqual({
      http_4xx: { count: 97, sampleMessages: [expect.stringContaining('4xx')] },
      http_5xx: { count: 97, sampleMessages: [expect.stringContaining('5xx')] },
      connection_reset: { count: 1, sampleMessages: [expect.stringContaining('1220 (reset by peer)')] },
    })
  })

  it("files k6's error_code 1050 as a timeout", () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture('summary-export-v0.48-timeout.json')))
    expect(metrics).toMatchObject({ totalRequests: 8, failedRequests: 8 })
    expect(metrics.errorsByType).toEqual({
      timeout: {
        count: 8,
        sampleMessages: [
          'k6 counted 8 failed requests with k6 error_code 1050 (request timeout) or 1211 (TCP dial timeout)',
        ],
      },
    })
    expect(metrics.responseTimes.p50).toBeCloseTo(300, 0)
  })

  it('maps failed requests, and the handleSummary run duration', () => {
    const metrics = k6ToMetrics(parseK6Summary(fixture(HANDLE_SUMMARY)))
    expect(metrics).toMatchObject({
      totalRequests: 190,
      failedRequests: 96,
      successfulRequests: 94,
      durationMs: 2001.831005,
    })
    expect(metrics.errorRatePercent).toBeCloseTo((96 / 190) * 100)
    // A user script's summary says how many failed, not why.
    expect(metrics.errorsByType).toEqual({ other: { count: 96, sampleMessages: [expect.any(String)] } })
  })
})

describe('k6ThresholdResults', () => {
  it("turns k6's verdicts into threshold results with k6's own values", () => {
    const summary = parseK6Summary(fixture(EXPORT_THRESHOLDS))
    const results = k6ThresholdResults(summary, K6_THRESHOLDS_FAILED)
    expect(results).toHaveLength(6)
    expect(results).toEqual(
      expect.arrayContaining([
        { expression: 'k6 http_req_duration: p(95)<1', actual: 21.8025303, passed: false },
        { expression: 'k6 http_req_duration: avg<100', actual: 20.937652815789473, passed: true },
        {
          expression: 'k6 http_req_duration{expected_response:true}: max<1000',
          actual: 22.682534,
          passed: true,
        },
        { expression: 'k6 http_req_failed: rate<0.9', actual: 0.5052631578947369, passed: true },
        { expression: 'k6 http_reqs: count>10', actual: 190, passed: true },
        { expression: 'k6 checks: rate>0.99', actual: 0.49473684210526314, passed: false },
      ]),
    )
    expect(k6ThresholdResults(parseK6Summary(fixture(HANDLE_SUMMARY)), K6_THRESHOLDS_FAILED)).toEqual(
      expect.arrayContaining(results),
    )
  })

  it('fails the run on exit code 99 even when the summary carries no verdicts', () => {
    const summary = parseK6Summary(fixture('summary-export-v0.48.json'))
    expect(k6ThresholdResults(summary, K6_THRESHOLDS_FAILED)).toEqual([
      { expression: "k6's own thresholds (exit code 99)", actual: 99, passed: false },
    ])
    expect(k6ThresholdResults(summary, 0)).toEqual([])
  })
})
