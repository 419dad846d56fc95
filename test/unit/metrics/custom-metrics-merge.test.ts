import { describe, expect, it } from 'vitest'
import type { CustomMetricType } from '../../../src/foundation/types.ts'
import { CustomMetrics } from '../../../src/metrics/custom-metrics.ts'

/** Records `values` of metric `name` in one thread, or alternately in two merged into a third. */
function recorded(type: CustomMetricType, values: (number | boolean)[], threads: 1 | 2) {
  if (threads === 1) {
    const one = new CustomMetrics()
    for (const value of values) one.get('m', type).add(value)
    return one.results(2000)?.['m']
  }
  const parts = [new CustomMetrics(), new CustomMetrics()]
  values.forEach((value, index) => {
    parts[index % 2]!.get('m', type).add(value)
  })
  const merged = new CustomMetrics()
  for (const part of parts) merged.merge(structuredClone(part.snapshot()))
  return merged.results(2000)?.['m']
}

describe('custom metrics merged from threads', () => {
  const numbers = Array.from({ length: 1001 }, (_, index) => (index * 7919) % 1009)

  it.each([
    ['trend', numbers],
    ['counter', numbers],
    ['rate', numbers.map((value) => value % 3 === 0)],
  ] as const)('a %s merges to what one thread records', (type, values) => {
    expect(recorded(type, [...values], 2)).toEqual(recorded(type, [...values], 1))
  })

  it('a gauge keeps the value added last, by time, and the extremes of both', () => {
    const first = new CustomMetrics()
    const second = new CustomMetrics()
    second.get('m', 'gauge').add(-5)
    first.get('m', 'gauge').add(100)
    first.get('m', 'gauge').add(7) // added last of all
    const merged = new CustomMetrics()
    merged.merge(first.snapshot())
    merged.merge(second.snapshot())
    expect(merged.results(1000)?.['m']).toEqual({ type: 'gauge', value: 7, min: -5, max: 100 })
  })

  it('a name two threads gave different types keeps the first type; the other values are dropped', () => {
    const first = new CustomMetrics()
    const second = new CustomMetrics()
    first.get('m', 'counter').add(2)
    second.get('m', 'trend').add(9)
    const merged = new CustomMetrics()
    merged.merge(first.snapshot())
    merged.merge(second.snapshot())
    expect(merged.results(1000)?.['m']).toEqual({ type: 'counter', count: 2, rate: 2 })
  })
})
