import { describe, expect, test } from 'vitest'
import { type BaselineCheck, isPerfResult, isRecordedResult } from '../../../../src/foundation/model/index.ts'
import { markNestedRun } from '../../../../src/orchestration/context.ts'
import { toRecordedResults } from '../../../../src/orchestration/session/recorded-results.ts'
import { type ReportRow, verdictOf } from '../../../../src/presentation/report/rows.ts'
import { makeComparison, makeStress } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const check: BaselineCheck = { key: 'GET / > /api', file: '__perf__/a.test.ts.perf.json', comparison: null }

describe('what a test hands its reporter', () => {
  test('leaves out the load runs of a stress test or comparison, which show inside it', () => {
    const alone = makeResult({ name: '/alone' })
    const step = makeResult({ name: '/step' })
    markNestedRun(step)
    const stress = makeStress()
    expect(toRecordedResults([alone, step, stress], new Map())).toEqual([
      { result: alone },
      { result: stress },
    ])
  })

  test('carries the baseline check of a result beside it, JSON-safe', () => {
    const result = makeResult()
    const recorded = toRecordedResults([result], new Map([[result, check]]))
    expect(recorded).toEqual([{ result, baseline: check }])
    const roundTrip: unknown = JSON.parse(JSON.stringify(recorded))
    expect(Array.isArray(roundTrip) && isRecordedResult(roundTrip[0])).toBe(true)
  })

  test('tells every kind of result from anything else', () => {
    expect(isPerfResult(makeResult())).toBe(true)
    expect(isPerfResult(makeStress())).toBe(true)
    expect(isPerfResult(makeComparison({ a: [1], b: [2] }))).toBe(true)
    expect(isPerfResult({ kind: 'stress' })).toBe(false)
    expect(isPerfResult({ kind: 'benchmark', steps: [] })).toBe(false)
    expect(isRecordedResult({ result: null })).toBe(false)
  })
})

describe('verdictOf', () => {
  const row = (overrides: Partial<ReportRow>): ReportRow => ({
    file: 'a.test.ts',
    test: 't',
    state: 'passed',
    result: makeResult(),
    ...overrides,
  })

  test('a stress test that found its break point passes unless its test failed', () => {
    expect(verdictOf(row({ result: makeStress() }))).toBe('pass')
    expect(verdictOf(row({ result: makeStress(), state: 'failed' }))).toBe('fail')
  })

  test('a comparison fails when a run failed its thresholds, aborts when a run was cut short by a timeout', () => {
    const comparison = makeComparison({ a: [1], b: [2] })
    expect(verdictOf(row({ result: comparison }))).toBe('pass')
    expect(verdictOf(row({ result: { ...comparison, success: false } }))).toBe('fail')
    comparison.runs[1]!.result.aborted = true
    expect(verdictOf(row({ result: comparison, state: 'failed' }))).toBe('abort')
  })
})
