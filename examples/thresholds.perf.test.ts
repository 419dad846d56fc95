import { loadTest } from 'perfspec'
import { expect, inject, test } from 'vitest'

test('search meets its thresholds, in either spelling', async () => {
  const result = await loadTest({
    url: `${inject('demoUrl')}/api/search?q=shoes`,
    thresholds: {
      // k6's language…
      http_req_duration: ['p(95)<250', 'avg<100'],
      http_req_failed: ['rate<0.01'],
      // …and the seed's names, merged with config/qa.yaml's (this key replaces the file's).
      maxAvgResponseTimeMs: 150,
    },
  })

  // Every result carries its evaluated thresholds; a breach fails the test even without this line.
  expect(result).toPassThresholds()
  expect(result.thresholds.map(({ expression }) => expression)).toContain('http_req_duration: p(95)<250')
})
