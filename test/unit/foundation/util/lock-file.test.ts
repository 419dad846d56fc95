import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { withLockFile } from '../../../../src/foundation/util/lock-file.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('withLockFile', () => {
  let dir: string
  let lock: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-lock-file-'))
    lock = path.join(dir, 'data.json.lock')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('runs its holders one at a time and removes the lock after each, a throw included', async () => {
    let inside = 0
    let most = 0
    const hold = () =>
      withLockFile(lock, async () => {
        most = Math.max(most, ++inside)
        await sleep(20)
        inside--
      })
    await Promise.all([hold(), hold(), hold()])
    expect(most).toBe(1)
    await expect(
      withLockFile(lock, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(existsSync(lock)).toBe(false)
  })

  it('takes over the lock of a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout
    writeFileSync(lock, JSON.stringify({ pid: Number(dead.toString()), host: os.hostname(), startedAt: '' }))
    expect(await withLockFile(lock, async () => 'ran')).toBe('ran')
  })

  it('gives up on a live holder after its wait limit, naming the lock and its holder', async () => {
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), startedAt: '' }))
    await expect(withLockFile(lock, async () => 'ran', 100)).rejects.toThrow(
      `the lock file ${lock} (held by pid ${process.ppid}`,
    )
    expect(existsSync(lock)).toBe(true)
  })
})
