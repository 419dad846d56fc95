import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { makeComparison, makeStress } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12', now: new Date(0) }

interface Property {
  name: string
  value: string
}
interface TestCase {
  classname: string
  name: string
  time: string
  properties: { property: Property[] }
  failure?: { message: string; type: string; '#text': string }
  skipped?: unknown
  'system-out': string
}
interface Suite {
  name: string
  tests: string
  failures: string
  skipped: string
  testcase: TestCase[]
}

function parse(xml: string): { testsuites: { tests: string; failures: string; testsuite: Suite[] } } {
  expect(XMLValidator.validate(xml)).toBe(true)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  })
  return parser.parse(xml)
}

function propertiesOf(testCase: TestCase | undefined): Record<string, string> {
  return Object.fromEntries((testCase?.properties.property ?? []).map(({ name, value }) => [name, value]))
}

describe('renderJunit', () => {
  const breached = makeResult({ name: '/slow', latency: { p95: 240 } })
  breached.success = false
  breached.thresholds = [
    { expression: 'p(95)<200', actual: 240, passed: false },
    { expression: 'maxErrorRatePercent: 1', actual: 0, passed: true },
  ]
  const rows: ReportRow[] = [
    { file: 'api.test.ts', test: 'api > GET /', state: 'passed', result: makeResult() },
    { file: 'api.test.ts', test: 'api > slow', state: 'failed', result: breached },
    { file: 'stress.test.ts', test: 'queue', state: 'passed', result: makeStress(3) },
    {
      file: 'stress.test.ts',
      test: 'pools',
      state: 'passed',
      result: makeComparison({ small: [4, 5], large: [9, 8] }),
    },
    { file: 'skipped.test.ts', test: 'later', state: 'skipped', result: makeResult() },
  ]
  const report = parse(renderJunit(rows, meta))

  test('a suite per test file, a test case per perf result, with counts', () => {
    expect(report.testsuites).toMatchObject({ tests: '5', failures: '1' })
    const suites = report.testsuites.testsuite
    expect(suites.map((suite) => [suite.name, suite.tests, suite.failures, suite.skipped])).toEqual([
      ['api.test.ts', '2', '1', '0'],
      ['stress.test.ts', '2', '0', '0'],
      ['skipped.test.ts', '1', '0', '1'],
    ])
    expect(suites[0]?.testcase.map((testCase) => [testCase.classname, testCase.name, testCase.time])).toEqual(
      [
        ['api.test.ts', 'api > GET /', '2'],
        ['api.test.ts', 'api > slow', '2'],
      ],
    )
    expect(suites[2]?.testcase[0]?.skipped).toBeDefined()
  })

  test("carries a load result's metrics and thresholds as properties", () => {
    const slow = report.testsuites.testsuite[0]?.testcase[1]
    expect(propertiesOf(slow)).toMatchObject({
      kind: 'load',
      tool: 'native',
      run: '/slow',
      requests: '1000',
      rps: '500',
      p95_ms: '240',
      p99_ms: '30',
      error_rate_percent: '0',
      'threshold p(95)<200': 'fail (actual 240)',
      'threshold maxErrorRatePercent: 1': 'pass (actual 0)',
    })
  })

  test('a failure names the threshold that failed and the value it saw', () => {
    const [passing, slow] = report.testsuites.testsuite[0]?.testcase ?? []
    expect(passing?.failure).toBeUndefined()
    expect(slow?.failure).toMatchObject({ message: 'p(95)<200 (actual 240.0)', type: 'threshold' })
    expect(slow?.['system-out']).toContain('/slow (native): 1,000 requests')
  })

  test("a stress test's break point, a comparison's runs per configuration", () => {
    const [stress, comparison] = report.testsuites.testsuite[1]?.testcase ?? []
    expect(propertiesOf(stress)).toMatchObject({
      kind: 'stress',
      max_users_reached: '6',
      break_users: '6',
      break_criterion: 'p95',
      'last_step.p95_ms': '30',
    })
    expect(propertiesOf(comparison)).toMatchObject({
      kind: 'comparison',
      baseline_configuration: 'small',
      best_p95: 'small',
      'small.p95_ms': '5',
      'large.p95_ms': '9',
    })
  })

  test('escapes names and drops characters XML cannot hold', () => {
    const odd: ReportRow = {
      file: 'a&b.test.ts',
      test: 'say "<hi>" \u0007 & \'bye\' \ud800 🚀',
      state: 'passed',
      result: makeResult({ name: ']]> <![CDATA[' }),
    }
    const testCase = parse(renderJunit([odd], meta)).testsuites.testsuite[0]?.testcase[0]
    expect(testCase?.classname).toBe('a&b.test.ts')
    expect(testCase?.name).toBe('say "<hi>"  & \'bye\'  🚀')
    expect(propertiesOf(testCase)['run']).toBe(']]> <![CDATA[')
  })
})

describe("renderJunit with a failed matcher's message", () => {
  test('the failure carries the message (one line in the attribute, whole in the body), not "the test failed"', () => {
    const message = 'expect(result).toHaveP95Below(ms)\n\nExpected p95 to be below 1 ms\nReceived p95: 4.2 ms'
    const row: ReportRow = {
      file: 'api.test.ts',
      test: 'fast',
      state: 'failed',
      result: makeResult(),
      errors: [message],
    }
    const failure = parse(renderJunit([row], meta)).testsuites.testsuite[0]?.testcase[0]?.failure
    expect(failure).toMatchObject({
      type: 'assertion',
      message: 'expect(result).toHaveP95Below(ms) Expected p95 to be below 1 ms Received p95: 4.2 ms',
    })
    expect(failure?.['#text']).toBe(message)
  })

  test('a failed threshold still names itself first', () => {
    const result = makeResult()
    result.success = false
    result.thresholds = [{ expression: 'p(95)<1', actual: 4.25, passed: false }]
    const row: ReportRow = { file: 'a.ts', test: 't', state: 'failed', result, errors: ['Thresholds failed'] }
    const failure = parse(renderJunit([row], meta)).testsuites.testsuite[0]?.testcase[0]?.failure
    expect(failure?.message).toBe('p(95)<1 (actual 4.25)')
    expect(failure?.['#text']).toBe('p(95)<1 (actual 4.25)\nThresholds failed')
  })
})
