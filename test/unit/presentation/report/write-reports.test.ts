import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pc from 'picocolors'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import {
  describeReportOutcomes,
  reportTargetsOf,
  writeReports,
} from '../../../../src/presentation/report/write-reports.ts'
import { makeResult } from '../../../helpers/results.ts'

const meta = { machine: describeMachine(), runner: 'vitest 4.1.12' }
const rows: ReportRow[] = [{ file: 'a.test.ts', test: 'GET /', state: 'passed', result: makeResult() }]

describe('writeReports', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfspec-reports-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('writes each asked-for report into folders it creates, leaving no temp file behind', async () => {
    const targets = {
      json: path.join(dir, 'out/perfspec-report.json'),
      html: path.join(dir, 'out/perfspec-report.html'),
      junit: path.join(dir, 'out/junit/perfspec-report.junit.xml'),
    }
    const outcomes = await writeReports(rows, meta, targets)
    expect(outcomes).toEqual([
      { format: 'json', file: targets.json },
      { format: 'html', file: targets.html },
      { format: 'junit', file: targets.junit },
    ])
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual([
      'junit',
      'perfspec-report.html',
      'perfspec-report.json',
    ])
    expect(await readFile(targets.html, 'utf8')).toContain('<!doctype html>')
    expect(await readFile(targets.junit, 'utf8')).toContain('<testsuites')
  })

  test('appends the Markdown summary to the step summary file, keeping what was there', async () => {
    const summary = path.join(dir, 'step-summary.md')
    await writeFile(summary, '# Earlier step\n')
    await writeReports(rows, meta, { json: false, html: false, junit: false, markdown: summary })
    await writeReports(rows, meta, { json: false, html: false, junit: false, markdown: summary })
    const text = await readFile(summary, 'utf8')
    expect(text.startsWith('# Earlier step\n### ✅ perfspec: 1 result')).toBe(true)
    expect(text.match(/### ✅ perfspec/g)).toHaveLength(2)
  })

  test('one report that cannot be written does not stop the others, and says why', async () => {
    // A file where a folder should be: blocked for root too, who ignores permissions.
    await writeFile(path.join(dir, 'file'), '')
    const outcomes = await writeReports(rows, meta, {
      json: path.join(dir, 'file/perfspec-report.json'),
      html: path.join(dir, 'perfspec-report.html'),
      junit: false,
    })
    expect(outcomes.map(({ format, error }) => [format, error === undefined])).toEqual([
      ['json', false],
      ['html', true],
    ])
    const lines = describeReportOutcomes(outcomes, pc.createColors(false), dir)
    expect(lines[0]).toMatch(/^perfspec could not write the JSON report .*file\/perfspec-report\.json: /)
    expect(lines[1]).toBe('HTML report: perfspec-report.html')
  })

  describe('into a folder another run shares', () => {
    const rowOf = (test: string): ReportRow => ({
      file: 'a.test.ts',
      test,
      state: 'passed',
      result: makeResult(),
    })
    const testsIn = async (file: string) =>
      (JSON.parse(await readFile(file, 'utf8')) as { results: { test: string }[] }).results.map((r) => r.test)

    test('keeps the results of a report written since this run began, in every file', async () => {
      const targets = {
        json: path.join(dir, 'perfspec-report.json'),
        html: path.join(dir, 'perfspec-report.html'),
        junit: path.join(dir, 'perfspec-report.junit.xml'),
      }
      const startedAt = new Date()
      await writeReports([rowOf('other run')], { ...meta, startedAt: new Date(0) }, targets)
      await writeReports([rowOf('this run')], { ...meta, startedAt }, targets)
      expect(await testsIn(targets.json)).toEqual(['other run', 'this run'])
      expect((await readFile(targets.html, 'utf8')).match(/<section class="result"/g)).toHaveLength(2)
      expect((await readFile(targets.junit, 'utf8')).match(/<testcase /g)).toHaveLength(2)
      expect(await readdir(dir)).not.toContain('perfspec-report.json.lock')
    })

    test('replaces a report older than this run', async () => {
      const json = path.join(dir, 'perfspec-report.json')
      const targets = { json, html: false as const, junit: false as const }
      await writeReports([rowOf('earlier run')], { ...meta, now: new Date(1000) }, targets)
      await writeReports([rowOf('this run')], { ...meta, startedAt: new Date(2000) }, targets)
      expect(await testsIn(json)).toEqual(['this run'])
    })

    test('loses no result when runs write at the same time', async () => {
      const json = path.join(dir, 'perfspec-report.json')
      const targets = { json, html: path.join(dir, 'r.html'), junit: false as const }
      const startedAt = new Date()
      const names = Array.from({ length: 8 }, (_, index) => `run ${index}`)
      await Promise.all(names.map((name) => writeReports([rowOf(name)], { ...meta, startedAt }, targets)))
      expect((await testsIn(json)).sort()).toEqual(names)
    })
  })
})

describe('reportTargetsOf', () => {
  const config = {
    jsonReport: '/r/a.json',
    htmlReport: '/r/a.html',
    junitReport: false as const,
    githubSummary: true,
  }

  test('appends to $GITHUB_STEP_SUMMARY only when it is set and the option allows', () => {
    expect(reportTargetsOf(config, { GITHUB_STEP_SUMMARY: '/gh/summary' })).toEqual({
      json: '/r/a.json',
      html: '/r/a.html',
      junit: false,
      markdown: '/gh/summary',
    })
    expect(reportTargetsOf(config, {}).markdown).toBeUndefined()
    expect(reportTargetsOf(config, { GITHUB_STEP_SUMMARY: '' }).markdown).toBeUndefined()
    expect(
      reportTargetsOf({ ...config, githubSummary: false }, { GITHUB_STEP_SUMMARY: '/gh' }).markdown,
    ).toBeUndefined()
  })

  test('PERFSPEC_JSON_REPORT (a compare round) writes that JSON file and no other report', () => {
    const env = { PERFSPEC_JSON_REPORT: 'rounds/1-base.json', GITHUB_STEP_SUMMARY: '/gh/summary' }
    expect(reportTargetsOf(config, env)).toEqual({
      json: path.resolve('rounds/1-base.json'),
      html: false,
      junit: false,
    })
    expect(reportTargetsOf(config, { PERFSPEC_JSON_REPORT: '' }).json).toBe('/r/a.json')
  })
})
