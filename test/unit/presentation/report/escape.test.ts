import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import { describeMachine } from '../../../../src/orchestration/baseline/machine.ts'
import { escapeTerminal, scrubReportText } from '../../../../src/presentation/report/escape.ts'
import { renderHtmlReport } from '../../../../src/presentation/report/html/report.ts'
import { renderJunit } from '../../../../src/presentation/report/junit.ts'
import { renderMarkdownSummary } from '../../../../src/presentation/report/markdown.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { renderNotes, renderSummaryTable } from '../../../../src/presentation/report/table.ts'
import { makeComparison } from '../../../helpers/report-results.ts'
import { makeResult } from '../../../helpers/results.ts'

const PASSWORD = 'hunter2-s3cret'
const TOKEN = 'tok_live_9f8e7d6c'

describe('reports never show credentials', () => {
  // Results reach reports with their options redacted. These carry secrets anyway, everywhere a string
  // goes, as a future bug or a user's own text might: the reports must still not show them.
  const result = makeResult({ name: `https://admin:${PASSWORD}@api.example.invalid/login` })
  result.options.url = `http://admin:${PASSWORD}@127.0.0.1:8080/api`
  result.options.headers = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' }
  result.warnings = [`retrying http://user:${PASSWORD}@127.0.0.1/ with Authorization: Bearer ${TOKEN}`]
  result.metrics.errorsByType = {
    http_4xx: { count: 1, sampleMessages: [`401 for cookie: session=${TOKEN}`] },
  }
  result.thresholds = [{ expression: 'p(95)<1', actual: 5, passed: false }]
  result.success = false
  const comparison = makeComparison({ [`ws://u:${PASSWORD}@h.invalid`]: [1], plain: [2] })
  const rows: ReportRow[] = [
    {
      file: 'a.test.ts',
      test: `login at https://x:${PASSWORD}@host.invalid`,
      state: 'failed',
      result,
    },
    { file: 'a.test.ts', test: 'compare', state: 'passed', result: comparison },
  ]
  const meta = { machine: describeMachine(), runner: 'vitest' }

  test.each([
    ['HTML', renderHtmlReport(rows, meta)],
    ['Markdown', renderMarkdownSummary(rows, meta)],
    ['JUnit', renderJunit(rows, meta)],
  ])('%s', (_format, text) => {
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(TOKEN)
    // Markdown escapes the brackets.
    expect(text.replaceAll('\\', '')).toContain('[redacted]')
  })

  test('scrubbing keeps the rest of the text', () => {
    expect(scrubReportText(`GET https://me:${PASSWORD}@api.example.invalid/path?q=1 failed`)).toBe(
      'GET https://[redacted]@api.example.invalid/path?q=1 failed',
    )
    expect(scrubReportText(`x-api-key: ${TOKEN}\nnext line`)).toBe('x-api-key: [redacted]\nnext line')
    expect(scrubReportText('mail me at a@b.example, see http://127.0.0.1:3000/a@b')).toBe(
      'mail me at a@b.example, see http://127.0.0.1:3000/a@b',
    )
  })
})

describe('terminal output never obeys control characters of user text', () => {
  const NAME = 'red\x1b[31m\x07\r\x9b2J'

  test('escapeTerminal shows them as \\x escapes, line breaks too unless kept', () => {
    expect(escapeTerminal(NAME)).toBe('red\\x1b[31m\\x07\\x0d\\x9b2J')
    expect(escapeTerminal('a\nb\tc', { keepLines: true })).toBe('a\nb\\x09c')
    expect(escapeTerminal('plain ✓ text')).toBe('plain ✓ text')
  })

  test('in the summary table and the notes under it', () => {
    const result = makeResult({ name: NAME })
    result.thresholds = [{ expression: 'p(95)<1', actual: 5, passed: false }]
    result.success = false
    const rows: ReportRow[] = [{ file: 'a\x1b]0;title\x07.test.ts', test: NAME, state: 'failed', result }]
    const colors = pc.createColors(false)
    const text = [renderSummaryTable(rows, { colors }), ...renderNotes(rows, colors)].join('\n')
    expect([...text].filter((char) => char !== '\n' && /\p{Cc}/u.test(char))).toEqual([])
    expect(text).toContain('a\\x1b]0;title\\x07.test.ts › red\\x1b[31m')
  })
})
