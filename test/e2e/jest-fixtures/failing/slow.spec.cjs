const { loadTest } = require('perfspec')

// Run with FIXTURE_DELAY_MS=20: every response takes at least 20 ms, so p95 cannot be below 5 ms.
test('GET /slow stays under 5 ms', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/slow` })
  expect(result).toHaveP95Below(5)
})

// No matcher: the breached threshold alone fails the test.
test('GET /slow meets its thresholds', async () => {
  await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/slow`, thresholds: { maxP95Ms: 5 } })
})

test('not a perfspec result', () => {
  expect({ p95: 1 }).toHaveP95Below(5)
})
