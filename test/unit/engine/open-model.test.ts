import { describe, expect, it } from 'vitest'
import { OpenModelExecutor } from '../../../src/engine/open-model.ts'
import type { EngineUser, RunState, UserScheduler } from '../../../src/engine/run-state.ts'
import type { MetricsCollector } from '../../../src/metrics/collector.ts'
import type { OpenShape } from '../../../src/options/shape.ts'

// The executor against users that answer at once, on the real clock: how many requests went out.
function executorAt(shape: Partial<OpenShape>) {
  let sent = 0
  const collector = { setActiveUsers() {}, recordLateness() {} } as unknown as MetricsCollector
  const state: RunState = {
    collector,
    pipelining: 1,
    headRequests: false,
    timeoutMs: 1000,
    expectStatus: null,
    check: undefined,
    now: () => performance.now(),
    aborted: false,
    createUser: (_state, scheduler: UserScheduler, onRetired) => {
      const user: EngineUser = {
        inFlight: 0,
        oldestSentAt: 0,
        send() {
          sent++
          queueMicrotask(() => scheduler.onUserIdle(user))
        },
        abort() {},
        retire: () => onRetired(user),
        close() {},
      }
      return user
    },
  }
  const executor = new OpenModelExecutor(state, {
    model: 'open',
    arrival: { kind: 'rate', rate: 200 },
    users: 1,
    // As many users as requests: on a busy machine a stalled loop makes several due at once, and a burst
    // larger than the idle users would be dropped (counted, by design), which is not what these tests ask.
    maxUsers: 40,
    rampUpMs: 0,
    warmupMs: 0,
    measureRampUp: false,
    durationMs: 200,
    requests: undefined,
    ...shape,
  } as OpenShape)
  return { executor, state, sent: () => sent }
}

describe('the open model at the end of its duration', () => {
  it('still sends, each at its time, every request due before the end when the duration timer fires early', async () => {
    const { executor, sent } = executorAt({})
    executor.start()
    // The duration timer fired 100 ms early by the executor's clock (a busy machine, a stale loop time).
    await new Promise((resolve) => setTimeout(resolve, 100))
    executor.stop()
    await executor.done
    expect(sent()).toBe(40)
    expect(executor.dropped).toBe(0)
  })

  it('stops at once on abort, sending nothing more', async () => {
    const { executor, state, sent } = executorAt({})
    executor.start()
    state.aborted = true
    executor.stop()
    await executor.done
    // Past the end of the duration: nothing went out after the first request, due at the start.
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(sent()).toBe(1)
  })
})
