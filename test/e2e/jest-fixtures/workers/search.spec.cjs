const { loadTest, runComparison } = require('perfspec')

test('GET /search is fast', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/search`, name: `pid ${process.pid}` })
  expect(result).toHaveP95Below(1000)
})

// A comparison reaches the reporter as one result; its two load runs stay inside it.
test('search with one user and with two', async () => {
  const url = `${process.env.FIXTURE_BASE_URL}/search`
  const comparison = await runComparison({
    'one user': { url, users: 1, duration: '0.5s' },
    'two users': { url, users: 2, duration: '0.5s' },
  })
  expect(comparison.runs).toHaveLength(2)
})
