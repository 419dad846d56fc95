import { beforeAll, describe, expect, test } from 'vitest'
import { MatcherUsageError } from '../../../../src/foundation/errors.ts'
import type { LoadTestResult } from '../../../../src/foundation/model/index.ts'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { failureOf, makeResult } from '../../../helpers/results.ts'

beforeAll(() => {
  expect.extend(perfMatchers)
})

function withChecks(checks: LoadTestResult['metrics']['checks']): LoadTestResult {
  const result = makeResult()
  if (checks !== undefined) result.metrics.checks = checks
  return result
}

describe('toHaveCheckRateAbove()', () => {
  test('judges the share of checks that passed, in percent', () => {
    const result = withChecks({
      'status 200': { passes: 995, fails: 5 },
      'has id': { passes: 1000, fails: 0 },
    })
    expect(result).toHaveCheckRateAbove(99.7)
    expect(result).not.toHaveCheckRateAbove(99.8)
    const message = failureOf(() => expect(result).toHaveCheckRateAbove(99.9))
    expect(message).toContain('Expected check rate to be above 99.9%')
    expect(message).toContain('Checks: 1995 passed, 5 failed')
  })

  test('fails when no check ran, saying so, even though no check failed', () => {
    const result = withChecks(undefined)
    expect(result).not.toHaveCheckRateAbove(0)
    expect(failureOf(() => expect(result).toHaveCheckRateAbove(0))).toContain('No check ran')
  })

  test('judges one endpoint, and names the parts a result has', () => {
    const result = withChecks({ x: { passes: 1, fails: 0 } })
    result.endpoints = {
      item: {
        ...result.metrics,
        checks: { x: { passes: 1, fails: 1 } },
        method: 'GET',
        path: '/i',
        timeline: [],
      },
    }
    expect(result).toHaveCheckRateAbove(99)
    expect(result).not.toHaveCheckRateAbove(50, { endpoint: 'item' })
    expect(() => expect(result).toHaveCheckRateAbove(50, { endpoint: 'nope' })).toThrow(MatcherUsageError)
  })
})
