import { describe, expect, it } from 'vitest'
import { k6Journey } from '../../../src/adapters/scripts/k6-journey-script.ts'
import { k6Spec } from '../../../src/adapters/scripts/k6-script.ts'
import { k6AbortThresholds, toK6Thresholds } from '../../../src/adapters/scripts/k6-thresholds.ts'
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

  it('hands a journey’s aborting thresholds to k6 beside its carriers, tagged ones on their sub-metric', () => {
    const resolved = resolveLoadOptions({
      url: 'http://127.0.0.1:4711/',
      duration: 1,
      steps: [{ name: 'slow', path: '/' }],
      thresholds: {
        'http_req_duration{name:slow}': [{ threshold: 'p(95)<5', abortOnFail: true }],
        maxErrorRatePercent: { limit: 5, abortOnFail: true, delayAbortEval: '2s' },
        maxP95Ms: 100,
      },
    })
    const thresholds = k6Journey(resolved, resolved.journey!).spec.options['thresholds']
    expect(thresholds).toMatchObject({
      'http_req_duration{name:slow}': [
        'max>=0',
        { threshold: 'p(95)<5', abortOnFail: true, delayAbortEval: '0s' },
      ],
      http_req_failed: [{ threshold: 'rate<=0.05', abortOnFail: true, delayAbortEval: '2s' }],
    })
    // perfspec judges the others itself, on the parsed results.
    expect(thresholds).not.toHaveProperty('http_req_duration')
  })
})

describe('thresholds in k6 spelling (exports)', () => {
  it('writes the seed names, the object form and tagged keys as k6 takes them, and nothing as [object Object]', () => {
    const thresholds = parseThresholds({
      maxAvgResponseTimeMs: 300,
      maxErrorRatePercent: 57,
      minThroughputRps: { limit: 10 },
      maxP99Ms: { limit: 900, abortOnFail: true },
      http_req_duration: [{ threshold: 'p(90) < 250' }, 'med<100'],
      'http_reqs{scenario:buy}': ['count>=10'],
      'http_req_failed{name:login}': [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '1m' }],
    })
    const k6 = toK6Thresholds(thresholds)
    expect(k6).toEqual({
      http_req_duration: [
        'avg<=300',
        { threshold: 'p(99)<=900', abortOnFail: true, delayAbortEval: '0s' },
        'p(90)<250',
        'med<100',
      ],
      http_req_failed: ['rate<=0.57'],
      http_reqs: ['rate>=10'],
      'http_reqs{scenario:buy}': ['count>=10'],
      'http_req_failed{name:login}': [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '60s' }],
    })
    expect(JSON.stringify(k6)).not.toContain('[object')
  })
})
