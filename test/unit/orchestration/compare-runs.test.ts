import { describe, expect, it } from 'vitest'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import { compareLoadResults, mapComparisonConfigs } from '../../../src/orchestration/compare-runs.ts'

function run(name: string, { rps = 100, p50 = 10, errorRatePercent = 0 } = {}) {
  const result = {
    metrics: {
      rps,
      errorRatePercent,
      responseTimes: {
        min: 1,
        max: 50,
        mean: p50,
        sd: 1,
        p50,
        p75: p50,
        p90: p50,
        p95: p50 * 2,
        p99: p50 * 3,
        p999: p50 * 4,
      },
    },
  } as unknown as LoadTestResult
  return { name, result }
}

describe('compareLoadResults', () => {
  it('gives values, differences from the first configuration and the winner per metric', () => {
    const table = compareLoadResults([
      run('http1', { rps: 100, p50: 10 }),
      run('http2', { rps: 150, p50: 8 }),
      run('h2c', { rps: 120, p50: 12 }),
    ])
    const rps = table.find((row) => row.metric === 'rps')!
    expect(rps).toEqual({
      metric: 'rps',
      unit: 'req/s',
      better: 'higher',
      values: { http1: 100, http2: 150, h2c: 120 },
      relativePercent: { http1: 0, http2: 50, h2c: 20 },
      winner: 'http2',
    })
    const p50 = table.find((row) => row.metric === 'p50')!
    expect(p50.winner).toBe('http2')
    expect(p50.relativePercent).toEqual({ http1: 0, http2: -20, h2c: 20 })
  })

  it('has no winner when all are equal, and no relative difference from a zero baseline', () => {
    const table = compareLoadResults([run('a', { errorRatePercent: 0 }), run('b', { errorRatePercent: 2 })])
    const errors = table.find((row) => row.metric === 'errorRatePercent')!
    expect(errors.winner).toBe('a')
    expect(errors.relativePercent).toEqual({ a: null, b: null })
    const same = compareLoadResults([run('a'), run('b')]).find((row) => row.metric === 'p95')!
    expect(same.winner).toBeNull()
  })

  it('is empty for no runs', () => {
    expect(compareLoadResults([])).toEqual([])
  })
})

describe('mapComparisonConfigs', () => {
  it('keeps the shape: a named object stays one, a list stays a list', () => {
    const setUsers = (options: { url: string }) => ({ ...options, users: 3 })
    expect(mapComparisonConfigs({ a: { url: '/a' } }, setUsers)).toEqual({ a: { url: '/a', users: 3 } })
    expect(mapComparisonConfigs([{ url: '/a' }], setUsers)).toEqual([{ url: '/a', users: 3 }])
  })
})
