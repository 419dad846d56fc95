import { runComparison, stressTest } from 'perfspec'
import { expect, inject, test } from 'vitest'

test('search holds up to 16 users', async () => {
  // Steps of 4 users, 1 s each, until p95 doubles, errors pass 5% or throughput stops rising. The HTML
  // report draws p95 and throughput against users and marks the break point, if there is one.
  const result = await stressTest({
    url: `${inject('demoUrl')}/api/search?q=boots`,
    startUsers: 4,
    stepUsers: 4,
    maxUsers: 16,
    stepDuration: '1s',
  })

  expect(result.steps.length).toBeGreaterThan(0)
})

test('products: 2 users against 8', async () => {
  // One configuration after the other, never at once; the report shows their metrics side by side.
  const result = await runComparison({
    '2 users': { url: `${inject('demoUrl')}/api/products`, users: 2, duration: '1s' },
    '8 users': { url: `${inject('demoUrl')}/api/products`, users: 8, duration: '1s' },
  })

  expect(result.table.find((row) => row.metric === 'rps')?.winner).toBe('8 users')
})
