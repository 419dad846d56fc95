const { loadTest } = require('perfspec')

test('search keeps its speed', async () => {
  // Three seconds: three steady-state windows a side, the fewest a baseline's interval judges.
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/search`, duration: '3s' })
  await expect(result).toMatchPerfBaseline({ tolerance: 0.2 })
})
