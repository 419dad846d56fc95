import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

interface Span {
  first: number
  last: number
}

describe('two perf files in parallel Vitest workers', () => {
  let dir: string
  let run: FixtureRun
  let spans: Record<string, Span>
  let lockDir: string
  beforeAll(async () => {
    dir = await prepareFixture('overlap')
    // The suite may turn the lock off for itself; the fixture needs it on, in a folder of its own: a perfspec
    // run of another process on this machine would make both of the fixture's runs wait.
    lockDir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-overlap-lock-'))
    run = await runVitest(dir, [], { PERFSPEC_RUN_LOCK: 'on', PERFSPEC_RUN_LOCK_DIR: lockDir })
    spans = JSON.parse(await readFile(path.join(dir, 'runs.json'), 'utf8'))
  }, 120_000)
  afterAll(async () => {
    await removeFixture(dir)
    await rm(lockDir, { recursive: true, force: true })
  })

  test('both pass', () => {
    expect(run.exitCode, run.output).toBe(0)
  })

  test('the server sees one run at a time', () => {
    const first = spans['/first']!
    const second = spans['/second']!
    const [earlier, later] = first.first < second.first ? [first, second] : [second, first]
    expect(later.first).toBeGreaterThan(earlier.last)
  })

  test('the reporter says that the later run waited', async () => {
    const report = JSON.parse(await readFile(path.join(dir, 'perfspec-report.json'), 'utf8'))
    const waited = report.results.filter((entry: { result: { waitedMs?: number } }) => entry.result.waitedMs)
    expect(waited).toHaveLength(1)
    expect(run.output).toMatch(/Waited \d+\.\d s for another perfspec load run on this machine to finish/)
  })
})
