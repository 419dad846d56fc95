import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type FixtureRun, prepareFixture, removeFixture, runVitest } from './run-fixture.ts'

interface TestCase {
  name: string
  failure?: { message: string; type: string; '#text': string }
}

describe('a failing matcher, a function benchmark and an HTTP benchmark with a warm-up', () => {
  let dir: string
  let run: FixtureRun
  const read = (file: string) => readFile(path.join(dir, file), 'utf8')

  beforeAll(async () => {
    dir = await prepareFixture('report-kinds')
    run = await runVitest(dir)
  }, 120_000)
  afterAll(() => removeFixture(dir))

  test("the JUnit <failure> carries the matcher's message", async () => {
    expect(run.exitCode, run.output).toBe(1)
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testcase',
    }).parse(await read('out/perfspec-report.junit.xml'))
    const cases: TestCase[] = parsed.testsuites.testsuite.testcase
    const failure = cases[0]?.failure
    expect(failure?.type).toBe('assertion')
    expect(failure?.message).not.toBe('the test failed')
    expect(failure?.message).toMatch(/toHaveP95Below/)
    expect(failure?.message).toMatch(/Expected p95 to be below .* Received p95: [\d.]+ ms/)
    expect(failure?.['#text']).toMatch(/toHaveP95Below/)
    expect(failure?.message).not.toContain('\u001b[')
    // The function benchmark is a test case; the HTTP benchmark one (its warm-up folded away).
    expect(cases.map((testCase) => testCase.name)).toEqual([
      'GET / answers within a nanosecond',
      'JSON.stringify of a small object',
      'GET / one request at a time',
    ])
  })

  test('the JSON report has the benchmark and one HTTP benchmark result, of its measured requests', async () => {
    const report = JSON.parse(await read('out/perfspec-report.json'))
    const results = report.results.map((entry: { result: { kind: string; name: string } }) => entry.result)
    expect(results.map((result: { kind: string }) => result.kind)).toEqual(['load', 'benchmark', 'load'])
    expect(results[1]).toMatchObject({ kind: 'benchmark', target: 'function', name: 'stringify' })
    expect(results[2].metrics.totalRequests).toBe(40)
  })

  test('the table and the HTML report show the benchmark', async () => {
    expect(run.output).toMatch(/JSON\.stringify of a small object \[bench\]\s+tinybench\s+300\s/)
    expect(await read('out/perfspec-report.html')).toContain('data-kind="benchmark"')
  })
})
