import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RUN_LOCK_DIR_ENV, RUN_LOCK_ENV, runExclusive } from '../../../../src/foundation/util/machine-lock.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('runExclusive: the machine-wide load-run lock', () => {
  let dir: string
  let saved: Record<string, string | undefined>
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-lock-test-'))
    saved = { [RUN_LOCK_ENV]: process.env[RUN_LOCK_ENV], [RUN_LOCK_DIR_ENV]: process.env[RUN_LOCK_DIR_ENV] }
    process.env[RUN_LOCK_DIR_ENV] = dir
    delete process.env[RUN_LOCK_ENV]
  })
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    rmSync(dir, { recursive: true, force: true })
  })
  const lockFile = () => path.join(dir, 'perfspec-load-run.lock')

  it('runs two runs one after the other, the later one knowing how long it waited', async () => {
    const spans: [number, number][] = []
    const run = () =>
      runExclusive(async ({ waitedMs }) => {
        const start = performance.now()
        await sleep(150)
        spans.push([start, performance.now()])
        return waitedMs
      })
    const [first, second] = await Promise.all([run(), run()])
    expect(first).toBe(0)
    expect(second).toBeGreaterThanOrEqual(100)
    expect(spans[1]![0]).toBeGreaterThanOrEqual(spans[0]![1])
    expect(existsSync(lockFile())).toBe(false)
  })

  it('holds the lock file with its pid while it runs, and frees it after a throw', async () => {
    await expect(
      runExclusive(async () => {
        expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(existsSync(lockFile())).toBe(false)
  })

  it('lets a run inside another (a stress step) through at once', async () => {
    const inner = await runExclusive(() => runExclusive(async ({ waitedMs }) => waitedMs))
    expect(inner).toBe(0)
  })

  it('takes over the lock of a process that died', async () => {
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString()
    writeFileSync(lockFile(), JSON.stringify({ pid: Number(dead), host: os.hostname(), startedAt: '' }))
    const ran = await runExclusive(async () => JSON.parse(readFileSync(lockFile(), 'utf8')).pid)
    expect(ran).toBe(process.pid)
  })

  it('takes over a lock its live holder stopped touching (a terminated worker thread)', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: '' }))
    const longAgo = new Date(Date.now() - 60_000)
    utimesSync(lockFile(), longAgo, longAgo)
    expect(await runExclusive(async ({ waitedMs }) => waitedMs)).toBeLessThan(1000)
  })

  it('waits for a live holder, and stops waiting when the signal aborts', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: '' }))
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    const started = performance.now()
    const seen = await runExclusive(async () => controller.signal.aborted, controller.signal)
    expect(seen).toBe(true)
    expect(performance.now() - started).toBeGreaterThanOrEqual(150)
    // The holder's lock is not ours to remove.
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.ppid)
  })

  it('is off with PERFSPEC_RUN_LOCK=off', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: '' }))
    process.env[RUN_LOCK_ENV] = 'off'
    expect(await runExclusive(async ({ waitedMs }) => waitedMs)).toBe(0)
  })
})
