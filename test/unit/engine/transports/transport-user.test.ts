import { describe, expect, it } from 'vitest'
import type { EngineUser, RunState, UserScheduler } from '../../../../src/engine/run-state.ts'
import { TransportUser } from '../../../../src/engine/transports/transport-user.ts'

class TestUser extends TransportUser {
  readonly oldestSentAt = 0
  unsent = 0
  resumed = 0
  send(): void {
    this.inFlight++
  }
  abort(): void {}
  close(): void {}
  fail(slots: number): void {
    this.inFlight -= slots
    this.retryAfterError(slots)
  }
  protected override hasUnsent(): boolean {
    return this.unsent > 0
  }
  protected override resumeAfterError(): void {
    this.resumed++
  }
}

function makeUser() {
  const idle: EngineUser[] = []
  const retired: EngineUser[] = []
  const scheduler: UserScheduler = { onUserIdle: (user) => idle.push(user) }
  const user = new TestUser({} as RunState, scheduler, (u) => retired.push(u))
  return { user, idle, retired }
}

describe('TransportUser', () => {
  it('hands failed slots back to the scheduler on a later turn, all errors of a turn together', async () => {
    const { user, idle } = makeUser()
    user.send()
    user.send()
    user.fail(1)
    user.fail(1)
    expect(idle).toHaveLength(0)
    await new Promise((resolve) => setImmediate(resolve))
    expect(idle).toEqual([user, user])
    expect(user.resumed).toBe(1)
  })

  it('retires once, and only when nothing is in flight or unsent', () => {
    const { user, retired } = makeUser()
    user.send()
    user.retire()
    expect(retired).toHaveLength(0)
    user.inFlight = 0
    user.unsent = 1
    user.retire()
    expect(retired).toHaveLength(0)
    user.unsent = 0
    user.retire()
    user.retire()
    expect(retired).toEqual([user])
  })

  it('a retired user gets no slots back after an error', async () => {
    const { user, idle } = makeUser()
    user.send()
    user.fail(1)
    user.retire()
    await new Promise((resolve) => setImmediate(resolve))
    expect(idle).toHaveLength(0)
  })
})
