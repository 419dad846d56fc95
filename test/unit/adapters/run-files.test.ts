import { describe, expect, it } from 'vitest'
import { emptyAbortedRun, requireSomeRequests } from '../../../src/adapters/run-files.ts'

describe('requireSomeRequests', () => {
  it('gives a run that made no request a failed verdict naming the tool', () => {
    const run = requireSomeRequests('ab', emptyAbortedRun([]))
    expect(run.toolThresholds).toEqual([
      { expression: 'ab completed at least one request', actual: 0, passed: false },
    ])
  })

  it('leaves a run that made requests as it was', () => {
    const empty = emptyAbortedRun([])
    const run = { ...empty, metrics: { ...empty.metrics, totalRequests: 3 } }
    expect(requireSomeRequests('k6', run)).toBe(run)
  })
})
