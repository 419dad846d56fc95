// A report that cannot be written fails the run, under Vitest and Jest alike: a CI step that uploads the
// report must not go green without it. The fixtures' tests all pass; a file stands where the report folder
// should go (a read-only folder would not stop root, who runs some CI containers).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { prepareJestFixture, removeJestFixture, runJest } from './jest-run-fixture.ts'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a report that cannot be written, under Vitest', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareFixture('report-unwritable')
    await writeFile(path.join(dir, 'blocked'), 'a file where the report folder should be\n')
    run = await runVitest(dir)
  }, 120_000)
  afterAll(() => removeFixture(dir))

  test('fails the run although every test passed, and says why', () => {
    expect(run.output).toMatch(/Tests\s+1 passed/)
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(
      /perfspec could not write the JSON report \S+blocked\/out\/perfspec-report\.json/,
    )
    expect(run.output).toContain('the run fails: a perfspec report could not be written')
  })
})

describe('a report that cannot be written, under Jest', () => {
  let dir: string
  let run: FixtureRun
  beforeAll(async () => {
    dir = await prepareJestFixture('report-unwritable')
    await writeFile(path.join(dir, 'blocked'), 'a file where the report folder should be\n')
    run = await runJest(dir)
  }, 120_000)
  afterAll(() => removeJestFixture(dir))

  test('fails the run although every test passed, and says why', () => {
    expect(run.output).toMatch(/Tests:\s+1 passed, 1 total/)
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(
      /perfspec could not write the JSON report \S+blocked\/out\/perfspec-report\.json/,
    )
    expect(run.output).toContain('the run fails: a perfspec report could not be written')
  })
})
