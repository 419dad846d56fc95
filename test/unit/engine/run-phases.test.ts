import { describe, expect, it } from 'vitest'
import { planRun } from '../../../src/engine/run-phases.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'

const plan = (options: Record<string, unknown>) =>
  planRun(resolveLoadOptions({ url: 'http://127.0.0.1:1/', ...options }).shape)

describe('planRun', () => {
  it('puts the warm-up before the duration and starts the steady state after warm-up and ramp-up', () => {
    expect(plan({ duration: '10s', warmup: '2s' })).toEqual({
      runMs: 12_000,
      phases: { warmupMs: 2000, steadyFromMs: 2000 },
      warning: undefined,
    })
    // The ramp-up starts with the run: a longer warm-up covers it, a shorter one leaves its rest.
    expect(plan({ duration: '10s', warmup: '2s', rampUp: '5s' }).phases).toEqual({
      warmupMs: 2000,
      steadyFromMs: 5000,
    })
    expect(plan({ duration: '10s', warmup: '5s', rampUp: '2s' }).phases.steadyFromMs).toBe(5000)
    expect(plan({ duration: '10s', rampUp: '3s', measureRampUp: true }).phases.steadyFromMs).toBe(0)
  })

  it('measures the ramp-up after all when it fills the run, and says so', () => {
    const { phases, warning } = plan({ duration: '3s', rampUp: '3s' })
    expect(phases.steadyFromMs).toBe(0)
    expect(warning).toMatch(/no steady state/)
  })

  it('measures every request of a run bounded by `requests`', () => {
    expect(plan({ requests: 100, rampUp: '1s' })).toEqual({
      runMs: undefined,
      phases: { warmupMs: 0, steadyFromMs: 0 },
      warning: undefined,
    })
  })
})
