import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { BaselineError } from '../../../../src/foundation/errors.ts'
import { toBaselineEntry } from '../../../../src/orchestration/baseline/judge-baseline.ts'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import {
  baselinePath,
  parseBaselineFile,
  readBaselineFile,
  saveBaselineEntry,
} from '../../../../src/orchestration/baseline/store.ts'
import { makeResult } from '../../../helpers/results.ts'

describe('baselinePath', () => {
  test('is __perf__/<file>.perf.json beside the test file', () => {
    expect(baselinePath('/p/test/api.test.ts')).toBe('/p/test/__perf__/api.test.ts.perf.json')
  })

  test('with baselineDir, mirrors the path below the root', () => {
    expect(baselinePath('/p/test/api.test.ts', { baselineDir: '/p/perf', root: '/p' })).toBe(
      '/p/perf/test/api.test.ts.perf.json',
    )
    expect(baselinePath('/elsewhere/api.test.ts', { baselineDir: '/p/perf', root: '/p' })).toBe(
      '/p/perf/api.test.ts.perf.json',
    )
  })
})

describe('parseBaselineFile', () => {
  test.each([
    ['{', 'not JSON'],
    ['[]', 'expected { "version": 1'],
    ['{"version":2,"entries":{}}', 'expected { "version": 1'],
    ['{"version":1,"entries":[]}', '"entries" is not an object'],
    ['{"version":1,"entries":{"a":{"p95":"fast"}}}', 'entry "a" has no numeric p95 and throughput'],
  ])('%s is a BaselineError naming the file', (text, why) => {
    expect(() => parseBaselineFile(text, '/p/x.perf.json')).toThrow(BaselineError)
    expect(() => parseBaselineFile(text, '/p/x.perf.json')).toThrow(`/p/x.perf.json is corrupt (${why}`)
  })
})

describe('saveBaselineEntry', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-store-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('concurrent saves to one file keep every entry, sorted, and leave no temp file', async () => {
    const file = path.join(dir, '__perf__/a.test.ts.perf.json')
    const entry = toBaselineEntry(makeResult(), describeMachine())
    await Promise.all(['c', 'a', 'b'].map((key) => saveBaselineEntry(file, key, entry)))
    expect(Object.keys((await readBaselineFile(file))?.entries ?? {})).toEqual(['a', 'b', 'c'])
    expect(await readdir(path.dirname(file))).toEqual(['a.test.ts.perf.json'])
    expect(await readFile(file, 'utf8')).toMatch(/\n$/)
  })

  test('a missing file reads as undefined', async () => {
    expect(await readBaselineFile(path.join(dir, 'none.perf.json'))).toBeUndefined()
  })
})
