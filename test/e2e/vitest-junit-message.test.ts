import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

describe('a matcher that fails', () => {
  let dir: string
  let run: FixtureRun

  beforeAll(async () => {
    dir = await prepareFixture('junit-message')
    run = await runVitest(dir)
  }, 120_000)
  afterAll(() => removeFixture(dir))

  test("puts the matcher's message in the JUnit <failure>", async () => {
    expect(run.exitCode, run.output).toBe(1)
    const xml = await readFile(path.join(dir, 'out/perfspec-report.junit.xml'), 'utf8')
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml)
    const failure = parsed.testsuites.testsuite.testcase.failure
    expect(failure.type).toBe('assertion')
    expect(failure.message).not.toBe('the test failed')
    expect(failure.message).toMatch(/toHaveP95Below/)
    expect(failure.message).toMatch(/Expected p95 to be below .* Received p95: [\d.]+ ms/)
    expect(failure['#text']).toMatch(/toHaveP95Below/)
    expect(failure.message).not.toContain('\u001b[')
  })
})
