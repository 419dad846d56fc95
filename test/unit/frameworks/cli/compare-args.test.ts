import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import {
  exitCodeOf,
  parseCompareArgs,
  parseTolerances,
} from '../../../../src/frameworks/cli/compare-command.ts'
import { PROVISIONAL_SAMPLING_BUDGET } from '../../../../src/metrics/change-sampling.ts'
import type { AbCompareReport } from '../../../../src/orchestration/ab-compare/types.ts'

function refusal(argv: string[]): string {
  try {
    parseCompareArgs(argv)
  } catch (error) {
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    return (error as Error).message
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`)
}

describe('parseCompareArgs', () => {
  it('takes files before `--` and the runner’s own arguments after it', () => {
    const command = parseCompareArgs([
      '--base',
      'main',
      'test/perf',
      '--',
      '--config',
      'perf.config.ts',
      '--base',
    ])
    expect(command).toMatchObject({
      base: 'main',
      files: ['test/perf'],
      runnerArgs: ['--config', 'perf.config.ts', '--base'],
      runner: undefined,
      failOnInconclusive: false,
      allowDirty: false,
      sampling: { mode: 'sequential', budget: PROVISIONAL_SAMPLING_BUDGET },
      tolerances: { cpuPerRequest: 5, p95: 5, rps: 5 },
    })
  })

  it('--rounds is a fixed count of pairs; --budget a time cap on sequential sampling; not both', () => {
    expect(parseCompareArgs(['--base', 'main', '--rounds', '6']).sampling).toEqual({
      mode: 'fixed',
      pairs: 6,
    })
    expect(parseCompareArgs(['--base', 'main', '--budget', '10m']).sampling).toEqual({
      mode: 'sequential',
      budget: PROVISIONAL_SAMPLING_BUDGET,
      timeBudgetMs: 600_000,
    })
    expect(refusal(['--base', 'main', '--rounds', '1'])).toContain(
      'a whole number of round pairs from 2 to 1000',
    )
    expect(refusal(['--base', 'main', '--rounds', '4x'])).toContain("got '4x'")
    expect(refusal(['--base', 'main', '--rounds', '4', '--budget', '5m'])).toContain('without --budget')
    expect(refusal(['--base', 'main', '--budget', 'soon'])).toContain('`--budget` argument')
  })

  it('needs --base, and knows only vitest and jest as runners', () => {
    expect(refusal([])).toContain('Expected the `--base` argument to be a git ref')
    expect(refusal(['--base', 'main', '--runner', 'mocha'])).toContain("'vitest' or 'jest'")
    expect(refusal(['--base', 'main', '--rounds'])).toContain('--rounds')
    expect(parseCompareArgs(['--help']).help).toBe(true)
  })
})

describe('parseTolerances', () => {
  it('one percent for every metric, or METRIC=percent for one', () => {
    expect(parseTolerances(['10'])).toEqual({ cpuPerRequest: 10, p95: 10, rps: 10 })
    expect(parseTolerances(['8', 'p95=20', 'cpu=3%'])).toEqual({ cpuPerRequest: 3, p95: 20, rps: 8 })
    expect(() => parseTolerances(['p99=5'])).toThrow(/METRIC=percent for p95, rps or cpu/)
    expect(() => parseTolerances(['-5'])).toThrow(/got '-5'/)
  })
})

describe('exitCodeOf', () => {
  const report = (summary: AbCompareReport['summary']) => ({ summary }) as AbCompareReport
  it('1 on a regression; inconclusive is 0 unless --fail-on-inconclusive', () => {
    expect(exitCodeOf(report({ regressed: 1, improved: 0, unchanged: 3, inconclusive: 0 }), false)).toBe(1)
    expect(exitCodeOf(report({ regressed: 0, improved: 1, unchanged: 1, inconclusive: 2 }), false)).toBe(0)
    expect(exitCodeOf(report({ regressed: 0, improved: 1, unchanged: 1, inconclusive: 2 }), true)).toBe(1)
    expect(exitCodeOf(report({ regressed: 0, improved: 0, unchanged: 0, inconclusive: 0 }), true)).toBe(0)
  })
})
