const { loadTest } = require('perfspec')

test('search keeps its speed', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/search` })
  await expect(result).toMatchPerfBaseline({ tolerance: 0.2 })
})
