const { loadTest } = require('perfspec')

test('first run', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/first`, duration: '2s' })
  expect(result.metrics.totalRequests).toBeGreaterThan(0)
})
