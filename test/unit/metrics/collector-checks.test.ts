import { describe, expect, it } from 'vitest'
import { MetricsCollector } from '../../../src/metrics/collector.ts'

function collector(): MetricsCollector {
  const made = new MetricsCollector({ timeline: false })
  made.start()
  return made
}

describe('named checks and requests never sent', () => {
  it('are kept apart from the requests, and absent when nothing was recorded', () => {
    const empty = collector()
    empty.recordResponseTime(1)
    empty.stop()
    expect(empty.getMetrics().checks).toBeUndefined()
    expect(empty.getMetrics().notSent).toBeUndefined()

    const one = collector()
    one.recordResponseTime(1)
    one.recordCheck('status 200', true)
    one.recordCheck('status 200', false)
    one.recordCheck('__proto__', true)
    one.recordNotSent('template', '{{a}} names no var')
    one.recordNotSent('template', '{{a}} names no var')
    one.recordNotSent('step_function', 'path function threw')
    one.stop()
    const metrics = one.getMetrics()
    expect(metrics.totalRequests).toBe(1)
    expect(metrics.failedRequests).toBe(0)
    expect(Object.keys(metrics.checks ?? {})).toEqual(['status 200', '__proto__'])
    expect(metrics.checks?.['status 200']).toEqual({ passes: 1, fails: 1 })
    expect(Object.getPrototypeOf(metrics.checks)).toBe(Object.prototype)
    expect(metrics.notSent).toEqual({
      template: { count: 2, sampleMessages: ['{{a}} names no var'] },
      step_function: { count: 1, sampleMessages: ['path function threw'] },
    })
  })

  it('merge exactly from worker snapshots', () => {
    const a = collector()
    a.recordCheck('x', true)
    a.recordNotSent('template', 'm1')
    a.stop()
    const b = collector()
    b.recordCheck('x', false)
    b.recordCheck('y', true)
    b.recordNotSent('template', 'm2')
    b.stop()
    const merged = new MetricsCollector({ timeline: false })
    merged.merge(a.snapshot())
    merged.merge(b.snapshot())
    const metrics = merged.getMetrics()
    expect(metrics.checks).toEqual({ x: { passes: 1, fails: 1 }, y: { passes: 1, fails: 0 } })
    expect(metrics.notSent).toEqual({ template: { count: 2, sampleMessages: ['m1', 'm2'] } })
  })

  it('count from the steady state, as the requests do', () => {
    const made = collector()
    made.recordCheck('x', false)
    made.recordNotSent('template', 'early')
    made.beginSteadyState()
    made.recordCheck('x', true)
    made.stop()
    expect(made.getMetrics().checks).toEqual({ x: { passes: 1, fails: 0 } })
    expect(made.getMetrics().notSent).toBeUndefined()
  })
})
