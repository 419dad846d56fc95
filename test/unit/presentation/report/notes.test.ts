import { describe, expect, it } from 'vitest'
import { describeRow } from '../../../../src/presentation/report/notes.ts'
import type { ReportRow } from '../../../../src/presentation/report/rows.ts'
import { makeResult } from '../../../helpers/results.ts'

describe('report notes for issue 13', () => {
  it('lists a baseline that -u rewrote, with old and new numbers', () => {
    const row: ReportRow = {
      file: 'search.spec.ts',
      test: 'search',
      state: 'passed',
      result: makeResult(),
      baseline: {
        key: 'search > /search',
        file: '__perf__/search.spec.ts.perf.json',
        comparison: null,
        rewrote: { before: { p95: 1.94, rps: 4277 }, after: { p95: 105.2, rps: 34.2 } },
      },
    }
    expect(describeRow(row)).toContainEqual({
      level: 'info',
      text: 'baseline rewritten (-u): __perf__/search.spec.ts.perf.json › "search > /search": p95 1.94 → 105.2 ms, rps 4277 → 34.2',
    })
  })

  it('names the threshold that aborted a run', () => {
    const result = { ...makeResult({ aborted: true }), abortedBy: 'http_req_duration: p(95)<200' }
    const row: ReportRow = { file: 'a.spec.ts', test: 'a', state: 'failed', result }
    expect(describeRow(row)).toContainEqual({
      level: 'failure',
      text: 'run aborted by http_req_duration: p(95)<200 (abortOnFail)',
    })
  })
})
