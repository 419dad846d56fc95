import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import {
  parseSchedstat,
  parseStatCpuNs,
  processCpuClock,
  threadCpuClock,
} from '../../../../src/engine/monitor/cpu-clock.ts'
import { parseRssBytes } from '../../../../src/engine/monitor/process.ts'

const STAT =
  '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 11 0 100 1000000 2500 ' +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0'

// A fixed amount of work: its CPU time does not shrink when a busy machine preempts the thread.
const WORK = 'let x = 0; for (let i = 0; i < 30_000_000; i++) x += Math.sqrt(i + x)'
const burn = new Function(`${WORK}; return x`) as () => number

function clockOf(result: ReturnType<typeof threadCpuClock>): () => number {
  if ('unavailable' in result) throw new Error(result.unavailable)
  return () => result.clock() ?? Number.NaN
}

describe('parsing /proc', () => {
  it('reads the ns on CPU from schedstat', () => {
    expect(parseSchedstat('3989214 1273282 2\n')).toBe(3_989_214)
  })

  it('reads utime + stime after the last parenthesis of stat, in ns', () => {
    expect(parseStatCpuNs(STAT)).toBe(3_000_000_000)
  })

  it('reads VmRSS from status', () => {
    expect(parseRssBytes('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   51200 kB\nThreads:\t11\n')).toBe(
      51200 * 1024,
    )
  })
})

describe.runIf(process.platform === 'linux')('CPU clocks', () => {
  it('counts the calling thread’s CPU, not another thread’s', async () => {
    const thread = clockOf(threadCpuClock())
    const whole = processCpuClock(process.pid)
    const [threadBefore, wholeBefore] = [thread(), whole()!]
    // The worker stays until both clocks are read: a thread that ended takes its time with it.
    const worker = new Worker(
      `${WORK}; const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => {}); parentPort.postMessage(x)`,
      { eval: true },
    )
    await new Promise((resolve) => worker.once('message', resolve))
    const [threadWaiting, wholeWaiting] = [thread() - threadBefore, whole()! - wholeBefore]
    await worker.terminate()
    burn()
    const [threadBurning, wholeBurning] = [
      thread() - threadBefore - threadWaiting,
      whole()! - wholeBefore - wholeWaiting,
    ]
    const seen = `waiting: thread ${threadWaiting / 1e6} ms, process ${wholeWaiting / 1e6} ms; burning: thread ${threadBurning / 1e6} ms, process ${wholeBurning / 1e6} ms`
    // The worker's work is the process's, not this thread's (starting it costs this thread a little).
    expect(wholeWaiting - threadWaiting, seen).toBeGreaterThan(50e6)
    expect(threadWaiting, seen).toBeLessThan(wholeWaiting / 2)
    // This thread's own work is.
    expect(threadBurning, seen).toBeGreaterThan(0.8 * wholeBurning)
  })

  it('counts every thread of a process, in ns', () => {
    const clock = processCpuClock(process.pid)
    const before = clock()!
    burn()
    const used = clock()! - before
    expect(used).toBeGreaterThan(10e6)
    // Not a multiple of the 10 ms ticks of /proc/<pid>/stat.
    expect(used % 10e6).not.toBe(0)
  })

  it('reads nothing for a process that is gone', () => {
    expect(processCpuClock(2 ** 31 - 1)()).toBeUndefined()
  })
})
