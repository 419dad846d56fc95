import { readFile } from 'node:fs/promises'
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
  beforeAll(async () => {
    dir = await prepareFixture('overlap')
    // The suite may turn the lock off for itself; the fixture needs it on.
    run = await runVitest(dir, [], { PERFSPEC_RUN_LOCK: 'on' })
    spans = JSON.parse(await readFile(path.join(dir, 'runs.json'), 'utf8'))
  }, 120_000)
  afterAll(() => removeFixture(dir))

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
