import { describe, expect, it } from 'vitest'
import { k6Spec } from '../../../src/adapters/scripts/k6-script.ts'
import { k6AbortThresholds } from '../../../src/adapters/scripts/k6-thresholds.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { parseThresholds } from '../../../src/options/thresholds.ts'

describe("abortOnFail thresholds as k6's own", () => {
  it('writes each in k6 spelling with abortOnFail and delayAbortEval; the others stay perfspec’s', () => {
    const thresholds = parseThresholds({
      http_req_duration: [{ threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '5s' }, 'p(99)<900'],
      maxErrorRatePercent: { limit: 5, abortOnFail: true },
      minThroughputRps: 10,
    })
    expect(k6AbortThresholds(thresholds)).toEqual({
      http_req_duration: [{ threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '5s' }],
      http_req_failed: [{ threshold: 'rate<=0.05', abortOnFail: true, delayAbortEval: '0s' }],
    })
  })

  it('puts them in the generated script’s options, and nothing without them', () => {
    const url = 'http://127.0.0.1:4711/'
    const aborting = resolveLoadOptions({
      url,
      thresholds: { http_reqs: [{ threshold: 'count<100', abortOnFail: true }] },
    })
    expect(k6Spec(aborting).options['thresholds']).toEqual({
      http_reqs: [{ threshold: 'count<100', abortOnFail: true, delayAbortEval: '0s' }],
    })
    expect(k6Spec(resolveLoadOptions({ url, thresholds: { maxP95Ms: 10 } })).options).not.toHaveProperty(
      'thresholds',
    )
  })
})
