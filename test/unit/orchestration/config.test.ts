import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  InvalidConfigError,
  InvalidOptionError,
  InvalidThresholdError,
  isPerfError,
} from '../../../src/foundation/errors.ts'
import { parseQaConfig, resolvePerfConfig } from '../../../src/orchestration/config.ts'

// The seed's example, as written in performance-testing-module.md.
const SEED_EXAMPLE = `
performance:
  tool: auto                    # auto, locust, k6, ab
  default_users: 10
  default_duration: 60
  default_ramp_up: 5

  metrics:
    collect_response_times: true
    collect_throughput: true
    collect_error_rates: true

  thresholds:
    max_avg_response_time_ms: 500
    max_error_rate_percent: 5
    min_throughput_rps: 10
`

describe('parseQaConfig', () => {
  test("reads the seed's performance section", () => {
    expect(parseQaConfig(SEED_EXAMPLE)).toEqual({
      tool: 'auto',
      defaults: { users: 10, durationMs: 60_000, rampUpMs: 5000 },
      metrics: { responseTimes: true, throughput: true, errorRates: true },
      thresholds: { maxAvgResponseTimeMs: 500, maxErrorRatePercent: 5, minThroughputRps: 10 },
    })
  })

  test('accepts max_p95_ms, max_p99_ms, k6 expressions and duration strings', () => {
    const config = parseQaConfig(`
performance:
  default_duration: 1m30s
  thresholds:
    max_p95_ms: 200
    max_p99_ms: 400
    http_req_duration: ['p(90)<150']
    http_req_failed: ['rate<0.01']
`)
    expect(config.defaults).toEqual({ durationMs: 90_000 })
    expect(config.thresholds).toEqual({
      maxP95Ms: 200,
      maxP99Ms: 400,
      http_req_duration: ['p(90)<150'],
      http_req_failed: ['rate<0.01'],
    })
  })

  test('ignores the sections of other modules and a file without a performance section', () => {
    expect(parseQaConfig('api:\n  base_url: http://127.0.0.1\n')).toEqual({
      defaults: {},
      metrics: { responseTimes: true, throughput: true, errorRates: true },
    })
  })

  test('metrics switches choose the columns the summary shows', () => {
    const config = parseQaConfig('performance:\n  metrics:\n    collect_throughput: false\n')
    expect(config.metrics).toEqual({ responseTimes: true, throughput: false, errorRates: true })
  })

  test.each([
    ['performance:\n  thresholds:\n    max_p95: 200\n', 'Unknown threshold `performance.thresholds.max_p95`'],
    [
      'performance:\n  default_user: 10\n',
      'Unknown option `performance.default_user` (did you mean `performance.default_users`?)',
    ],
    [
      'performance:\n  metrics:\n    collect_latency: true\n',
      'Unknown option `performance.metrics.collect_latency`',
    ],
    [
      'performance:\n  thresholds:\n    http_req_duration: ["p(95)<<200"]\n',
      "Malformed threshold 'p(95)<<200'",
    ],
    [
      'performance:\n  thresholds:\n    max_error_rate_percent: lots\n',
      '`maxErrorRatePercent` must be a non-negative number',
    ],
    ['performance:\n  default_users: 0\n', '`performance.default_users`'],
    ['performance:\n  default_duration: soon\n', '`performance.default_duration`'],
    [
      'performance:\n  tool: jmeter\n',
      "Expected the `performance.tool` option to be one of 'auto', 'native', 'k6', 'ab', 'locust', got 'jmeter' (string)",
    ],
    [
      'performance:\n  metrics:\n    collect_throughput: yes please\n',
      "Expected the `performance.metrics.collect_throughput` option to be true or false, got 'yes please' (string)",
    ],
    ['performance: [1, 2]\n', 'Expected the `performance` option to be a mapping, got an array'],
    ['performance:\n  tool: [\n', 'is not valid YAML'],
  ])('rejects %j naming the problem', (text, message) => {
    let error: unknown
    try {
      parseQaConfig(text, 'config/qa.yaml')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect((error as Error).message).toContain('config/qa.yaml')
    expect((error as Error).message).toContain(message)
  })
})

describe('resolvePerfConfig', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'perfspec-config-'))
    await mkdir(path.join(root, 'config'))
    await writeFile(path.join(root, 'config/qa.yaml'), SEED_EXAMPLE)
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  test('plugin options override the file, key by key', () => {
    const config = resolvePerfConfig(root, {
      tool: 'native',
      defaults: { users: 2, duration: '1s' },
      thresholds: { maxAvgResponseTimeMs: 100, maxP95Ms: 200 },
    })
    expect(config.tool).toBe('native')
    expect(config.defaults).toEqual({ users: 2, durationMs: 1000, rampUpMs: 5000 })
    expect(config.thresholds).toEqual({
      maxAvgResponseTimeMs: 100,
      maxErrorRatePercent: 5,
      minThroughputRps: 10,
      maxP95Ms: 200,
    })
    expect(config.configFile).toBe(path.join(root, 'config/qa.yaml'))
  })

  test('a missing config file is fine; configFile: false reads none', async () => {
    expect(resolvePerfConfig(root, { configFile: false }).thresholds).toBeUndefined()
    await rm(path.join(root, 'config/qa.yaml'))
    const config = resolvePerfConfig(root)
    expect(config.configFile).toBeUndefined()
    expect(config.defaults).toEqual({})
  })

  test('resolves the JSON report and baseline folder against the root', () => {
    expect(resolvePerfConfig(root).jsonReport).toBe(path.join(root, 'perfspec-report.json'))
    const config = resolvePerfConfig(root, {
      report: { dir: 'reports', json: 'perf.json' },
      baselineDir: 'perf',
    })
    expect(config.jsonReport).toBe(path.join(root, 'reports/perf.json'))
    expect(config.baselineDir).toBe(path.join(root, 'perf'))
    expect(resolvePerfConfig(root, { report: { json: false } }).jsonReport).toBe(false)
  })

  test('bad plugin options are PerfErrors naming the option', () => {
    expect(() => resolvePerfConfig(root, { baseline: 'x' } as never)).toThrow(
      'Unknown option `baseline` (did you mean `baselineDir`?)',
    )
    expect(() => resolvePerfConfig(root, { defaults: { users: -1 } })).toThrow(InvalidOptionError)
    expect(() => resolvePerfConfig(root, { defaults: { users: -1 } })).toThrow('`defaults.users`')
    expect(() => resolvePerfConfig(root, { thresholds: { http_reqs: ['rate>>1'] } })).toThrow(
      InvalidThresholdError,
    )
    expect(() => resolvePerfConfig(root, { tool: 'jmeter' as never })).toThrow('`tool`')
    let error: unknown
    try {
      resolvePerfConfig(root, { report: { json: 3 as never } })
    } catch (caught) {
      error = caught
    }
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
  })
})
