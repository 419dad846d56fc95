import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { formatDurationForTool, parseDuration } from '../../../src/options/duration.ts'

describe('parseDuration', () => {
  it.each([
    [30, 30_000],
    [0.5, 500],
    ['250ms', 250],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['1.5s', 1500],
    ['45', 45_000],
    [' 10s ', 10_000],
  ])('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected)
  })

  it.each([['-1s'], ['10 seconds'], ['s'], [''], ['1d'], [-5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %j with PERF_INVALID_OPTION naming the option',
    (input) => {
      let thrown: unknown
      try {
        parseDuration(input, 'rampUp')
      } catch (error) {
        thrown = error
      }
      expect(isPerfError(thrown, 'PERF_INVALID_OPTION')).toBe(true)
      expect((thrown as Error).message).toContain('`rampUp`')
    },
  )
})

describe('formatDurationForTool', () => {
  it('writes whole seconds as seconds and the rest as milliseconds', () => {
    expect(formatDurationForTool(30_000)).toBe('30s')
    expect(formatDurationForTool(1500)).toBe('1500ms')
  })
})
