const { loadTest } = require('perfspec')

test('second run', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/second`, duration: '2s' })
  expect(result.metrics.totalRequests).toBeGreaterThan(0)
})
