import { createHook } from 'node:async_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import type { NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { type FramingServer, RESPONSES, startFramingServer } from '../../helpers/framing-servers.ts'

let server: FramingServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Runs `run` counting the timers (`setTimeout`) made meanwhile in this process. */
async function countingTimers<T>(run: () => Promise<T>): Promise<{ value: T; timers: number }> {
  let timers = 0
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout') timers++
    },
  }).enable()
  try {
    const value = await run()
    return { value, timers }
  } finally {
    hook.disable()
  }
}

const TRANSPORTS: NativeTransport[] = ['fast', 'undici']

describe.each(TRANSPORTS)('a code iteration’s pace (transport %s)', (transport) => {
  // A timer between iterations costs a wake-up of the loop (at least 1 ms each): a closed-model user whose
  // iteration sent requests goes on at the next turn, as a journey's does.
  it('goes from one iteration to the next without a timer once it sent a request, as a journey does', async () => {
    // A raw server: node:http would arm a keep-alive timer per response in this process too.
    server = await startFramingServer(RESPONSES.echo)
    const url = server.url
    const run = { url, transport, users: 2, duration: '1s' } as const
    const code = await countingTimers(() =>
      loadTest({
        ...run,
        iteration: async (vu) => {
          await vu.get('/a')
          await vu.get('/b')
        },
      }),
    )
    const steps = await countingTimers(() => loadTest({ ...run, steps: [{ path: '/a' }, { path: '/b' }] }))
    const timersPerIteration = ({ value, timers }: typeof code) => {
      const iterations = value.scenarios?.['default']?.iterations ?? 0
      expect(value.metrics.failedRequests).toBe(0)
      expect(iterations).toBeGreaterThan(100)
      return timers / iterations
    }
    // The run's own timers (its end, sweeps, progress) are few, and undici arms its own per connection use:
    // one more per iteration would be 1 more here.
    expect(timersPerIteration(code)).toBeLessThan(timersPerIteration(steps) + 0.3)
  })

  it('still waits a timer between iterations that send nothing: they do not spin the loop', async () => {
    server = await startFramingServer(RESPONSES.echo)
    const url = server.url
    let runs = 0
    const result = await loadTest({
      url,
      transport,
      users: 1,
      duration: '1s',
      iteration: () => {
        runs++
      },
    })
    expect(result.scenarios?.['default']?.iterations).toBe(runs)
    // At most one iteration per millisecond (a timer's least wait), with a wide margin.
    expect(runs).toBeLessThan(2000)
  })
})
