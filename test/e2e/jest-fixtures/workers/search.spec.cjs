const { loadTest } = require('perfspec')

test('GET /search is fast', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/search`, name: `pid ${process.pid}` })
  expect(result).toHaveP95Below(1000)
})
