import pc from 'picocolors'
import { describe, expect, test } from 'vitest'
import { summarizeRun } from '../../../../src/foundation/model/index.ts'
import {
  decodeProgress,
  encodeProgress,
  isProgressLog,
} from '../../../../src/frameworks/vitest/progress-channel.ts'
import { isLongRun, renderProgressLine } from '../../../../src/presentation/report/progress-line.ts'
import { makeResult } from '../../../helpers/results.ts'

const progress = {
  name: '/api',
  elapsedMs: 3000,
  durationMs: 10_000,
  requests: 1234,
  rps: 411.33,
  p95: 2.314,
  errorRatePercent: 0,
}

describe('progress', () => {
  test('renders elapsed/total, rps, p95 and errors on one line', () => {
    expect(renderProgressLine(progress, pc.createColors(false))).toBe(
      '⏱ /api  3.0/10.0 s  411.3 rps  p95 2.31 ms  0.00% errors',
    )
    expect(renderProgressLine({ ...progress, durationMs: undefined }, pc.createColors(false))).toContain(
      '  3.0 s  ',
    )
  })

  test('is shown only for runs longer than 2 s', () => {
    expect(isLongRun(progress)).toBe(true)
    expect(isLongRun({ ...progress, elapsedMs: 1000, durationMs: 2000 })).toBe(false)
    expect(isLongRun({ ...progress, elapsedMs: 2500, durationMs: undefined })).toBe(true)
  })

  test('travels as a console line the reporter recognises, and nothing else is mistaken for one', () => {
    const line = encodeProgress(progress)
    expect(isProgressLog(line)).toBe(true)
    expect(decodeProgress(`${line}\n`)).toEqual(progress)
    expect(decodeProgress('{"name":"/api"}')).toBeUndefined()
    expect(decodeProgress(`${line.slice(0, 25)}{broken`)).toBeUndefined()
  })
})

describe('summarizeRun', () => {
  test('says what a run did in one line', () => {
    expect(summarizeRun(makeResult({ requests: 12_345, failed: 123, rps: 2048.4, aborted: true }))).toBe(
      '/api (native): 12,345 requests, 2048 rps, p50 9.00 / p95 18.0 / p99 30.0 ms, 1.00% errors, aborted',
    )
  })
})
