const { loadTest } = require('perfspec')

test('GET / answers', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/` })
  expect(result.metrics.totalRequests).toBeGreaterThan(0)
})
