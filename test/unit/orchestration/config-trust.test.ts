import { describe, expect, it } from 'vitest'
import { parseThresholds } from '../../../src/options/thresholds.ts'
import { parseQaConfig, resolvePerfConfig } from '../../../src/orchestration/config.ts'

describe('config/qa.yaml and perf(): error budget and abortOnFail', () => {
  it('reads performance.error_budget (a share, or false)', () => {
    expect(parseQaConfig('performance:\n  error_budget: 0.05\n').defaults.errorBudget).toBe(0.05)
    expect(parseQaConfig('performance:\n  error_budget: false\n').defaults.errorBudget).toBe(false)
    expect(() => parseQaConfig('performance:\n  error_budget: 5%\n')).toThrow(/performance\.error_budget/)
  })

  it('reads abortOnFail thresholds in both spellings', () => {
    const config = parseQaConfig(
      [
        'performance:',
        '  thresholds:',
        '    max_p95_ms: { limit: 200, abortOnFail: true }',
        '    http_req_failed:',
        "      - threshold: 'rate<0.1'",
        '        abortOnFail: true',
        "        delayAbortEval: '5s'",
      ].join('\n'),
    )
    expect(
      parseThresholds(config.thresholds).map(({ expression, abortOnFail }) => [expression, abortOnFail]),
    ).toEqual([
      ['maxP95Ms: 200', { delayMs: 0 }],
      ['http_req_failed: rate<0.1', { delayMs: 5000 }],
    ])
  })

  it('takes perf({ defaults: { errorBudget } })', () => {
    const config = resolvePerfConfig('/nowhere', { configFile: false, defaults: { errorBudget: 0.02 } })
    expect(config.defaults.errorBudget).toBe(0.02)
    expect(() => resolvePerfConfig('/nowhere', { configFile: false, defaults: { errorBudget: 2 } })).toThrow(
      /defaults\.errorBudget/,
    )
  })
})
