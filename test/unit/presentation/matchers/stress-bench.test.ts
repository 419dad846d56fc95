import { stripVTControlCharacters } from 'node:util'
import { beforeAll, describe, expect, test } from 'vitest'
import { MatcherUsageError } from '../../../../src/foundation/errors.ts'
import type {
  FunctionBenchmarkResult,
  LoadMetrics,
  StressTestResult,
} from '../../../../src/foundation/model/index.ts'
import {
  toBeFasterThan,
  toBeSignificantlyFasterThan,
  toHaveBreakPointAbove,
} from '../../../../src/presentation/matchers/stress-bench.ts'

const expectResult = (value: unknown) => expect(value)

beforeAll(() => {
  expect.extend({ toHaveBreakPointAbove, toBeFasterThan, toBeSignificantlyFasterThan })
})

function stress(breakAt: number | null, steps: number[]): StressTestResult {
  const metrics = {} as LoadMetrics
  return {
    kind: 'stress',
    success: breakAt === null,
    aborted: false,
    tool: 'native',
    name: '/',
    maxUsersReached: steps.at(-1)!,
    breakPoint:
      breakAt === null
        ? null
        : { users: breakAt, criterion: 'p95', reason: 'p95 50 ms > 2 × 20 ms', metrics },
    steps: steps.map((users) => ({ users, metrics, warnings: [] })),
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
  }
}

function bench(name: string, center: number): FunctionBenchmarkResult {
  const samplesMs = Array.from({ length: 200 }, (_, index) => center + (index % 20) / 100)
  const mean = center + 0.095
  return {
    kind: 'benchmark',
    target: 'function',
    name,
    avgTime: mean,
    throughput: 1000 / mean,
    stats: {
      mean,
      min: center,
      max: center + 0.19,
      sd: 0.06,
      rme: 1,
      p50: mean,
      p75: mean,
      p90: mean,
      p95: mean,
      p99: mean,
      p999: mean,
      samples: 200,
    },
    samplesMs,
    iterations: 200,
    aborted: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    warnings: [],
  }
}

function failureOf(run: () => void): string {
  try {
    run()
  } catch (error) {
    return stripVTControlCharacters((error as Error).message)
  }
  throw new Error('expected the assertion to fail')
}

describe('toHaveBreakPointAbove', () => {
  test('passes when the break came above the given users', () => {
    expectResult(stress(60, [20, 40, 60])).toHaveBreakPointAbove(50)
    expectResult(stress(60, [20, 40, 60])).not.toHaveBreakPointAbove(60)
  })

  test('passes when nothing broke up to at least the given users, fails when the run stopped short', () => {
    expectResult(stress(null, [20, 40, 60])).toHaveBreakPointAbove(60)
    expect(failureOf(() => expectResult(stress(null, [20, 40])).toHaveBreakPointAbove(50))).toContain(
      'held up to 40 users without breaking (never got to 50: raise `maxUsers`)',
    )
  })

  test('names the break point, its reason and the steps', () => {
    const message = failureOf(() => expectResult(stress(40, [20, 40])).toHaveBreakPointAbove(50))
    expect(message).toContain('Expected the break point to be above 50 users')
    expect(message).toContain('broke at 40 users: p95 50 ms > 2 × 20 ms')
    expect(message).toContain('Steps: 20, 40 users')
  })

  test("fails either way on a break that is the generator's, saying the generator saturated", () => {
    const result = stress(6, [2, 4, 6])
    result.breakPoint!.cause = 'generator'
    const above = failureOf(() => expectResult(result).toHaveBreakPointAbove(4))
    const notAbove = failureOf(() => expectResult(result).not.toHaveBreakPointAbove(10))
    for (const message of [above, notAbove]) {
      expect(message).toContain('The load generator saturated at 6 users')
      expect(message).toContain("the tester's limit, not the server's")
    }
  })

  test('is a usage error on anything but a stress result', () => {
    expect(() => expectResult({ kind: 'load' }).toHaveBreakPointAbove(5)).toThrow(
      /expects what stressTest\(\) returns/,
    )
    expect(() => toHaveBreakPointAbove.call({ isNot: false }, stress(null, [1]), -1)).toThrow(/non-negative/)
    expect(() => expectResult({ kind: 'load' }).toHaveBreakPointAbove(5)).toThrow(MatcherUsageError)
  })

  test('bad comparison options are a MatcherUsageError under the matcher hint', () => {
    let error: unknown
    try {
      expectResult(bench('fast', 1)).toBeFasterThan(bench('slow', 2), { confidence: 95 })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(MatcherUsageError)
    expect((error as MatcherUsageError).code).toBe('PERF_MATCHER_USAGE')
    expect((error as Error).message).toContain(
      'toBeFasterThan: Expected the `confidence` option to be a number above 0 and below 1 (e.g. 0.95), got `95` (number)',
    )
  })
})

describe('toBeFasterThan', () => {
  test('passes for a significant lead and fails the other way round', () => {
    expectResult(bench('fast', 1)).toBeFasterThan(bench('slow', 2))
    expectResult(bench('slow', 2)).not.toBeFasterThan(bench('fast', 1))
  })

  test('does not pass on a difference below minDifferencePercent', () => {
    expectResult(bench('a', 1)).not.toBeFasterThan(bench('b', 1.01))
  })

  test('shows means, ratio, test and p-value', () => {
    const message = failureOf(() =>
      expectResult(bench('slow', 2)).toBeFasterThan(bench('fast', 1), { confidence: 0.99 }),
    )
    expect(message).toContain('Expected slow to be faster than fast (confidence 99%, at least 5% apart)')
    expect(message).toMatch(/fast is 1\.9\dx faster, mann-whitney p = [\d.e-]+ \(significant\)/)
  })

  test('is also registered as toBeSignificantlyFasterThan, the name Vitest 5 leaves free', () => {
    expectResult(bench('fast', 1)).toBeSignificantlyFasterThan(bench('slow', 2))
    const outcome = toBeSignificantlyFasterThan.call({ isNot: false }, bench('slow', 2), bench('fast', 1))
    expect(outcome.pass).toBe(false)
    expect(outcome.message()).toContain('expect(result).toBeSignificantlyFasterThan(other)')
  })

  test('works without the framework utils (plain call)', () => {
    const outcome = toBeFasterThan.call({ isNot: false }, bench('fast', 1), bench('slow', 2))
    expect(outcome.pass).toBe(true)
    expect(outcome.message()).toContain('expect(result).toBeFasterThan(other)')
  })
})
