import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { resolvePerfConfig } from '../../../src/orchestration/config.ts'

const root = path.resolve('/project')

function resolve(report: Record<string, unknown>) {
  return resolvePerfConfig(root, { configFile: false, report })
}

describe('report options of perf()', () => {
  test('by default: the JSON report at the root, no HTML or JUnit, the GitHub step summary when it is set', () => {
    const config = resolve({})
    expect(config).toMatchObject({
      jsonReport: path.join(root, 'perfspec-report.json'),
      htmlReport: false,
      junitReport: false,
      githubSummary: true,
    })
  })

  test('`true` names each file after the JSON report, in the report folder', () => {
    const config = resolve({ dir: 'reports', html: true, junit: true })
    expect(config.htmlReport).toBe(path.join(root, 'reports/perfspec-report.html'))
    expect(config.junitReport).toBe(path.join(root, 'reports/perfspec-report.junit.xml'))
  })

  test('a name puts the file there, relative to the folder; githubSummary: false turns the summary off', () => {
    const config = resolve({ dir: 'out', html: 'perf/index.html', junit: 'junit.xml', githubSummary: false })
    expect(config.htmlReport).toBe(path.join(root, 'out/perf/index.html'))
    expect(config.junitReport).toBe(path.join(root, 'out/junit.xml'))
    expect(config.githubSummary).toBe(false)
  })

  test.each([
    [{ html: 1 }, 'report.html'],
    [{ junit: '' }, 'report.junit'],
    [{ githubSummary: 'yes' }, 'report.githubSummary'],
    [{ dir: '' }, 'report.dir'],
    [{ htlm: true }, 'report.htlm'],
  ])('rejects %o, naming `%s`', (report, option) => {
    let error: unknown
    try {
      resolve(report)
    } catch (caught) {
      error = caught
    }
    expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain(`\`${option}\``)
  })
})
