import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureDir, writeFileAtomic } from '../../../../src/foundation/util/write-atomic.ts'

describe('ensureDir and writeFileAtomic', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-write-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('create the missing folders, and leave no temp file', async () => {
    const file = path.join(dir, 'a/b/c/report.json')
    await writeFileAtomic(file, '{}\n')
    expect(await readFile(file, 'utf8')).toBe('{}\n')
    expect(await readdir(path.dirname(file))).toEqual(['report.json'])
    await ensureDir(path.join(dir, 'a/b'))
  })

  it('fail at once on a file in the way', async () => {
    await writeFile(path.join(dir, 'file'), '')
    await expect(ensureDir(path.join(dir, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR' })
    await expect(writeFileAtomic(path.join(dir, 'file/x/r.json'), '')).rejects.toMatchObject({
      code: 'ENOTDIR',
    })
  })

  // Node's recursive mkdir never returns there: mkdir answers ENOENT under a /proc that exists.
  it.skipIf(!existsSync('/proc/self'))(
    'fail at once where the file system refuses a folder (/proc)',
    async () => {
      await expect(writeFileAtomic('/proc/perfspec-no-such/x/r.json', '')).rejects.toMatchObject({
        code: 'ENOENT',
      })
    },
    5000,
  )
})
