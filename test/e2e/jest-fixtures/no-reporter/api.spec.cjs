const { loadTest } = require('perfspec')

test('GET / is fast, without the perfspec reporter', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/`, users: 2, duration: '1s' })
  expect(result).toHaveP95Below(1000)
  expect(result.options).toMatchObject({ users: 2, durationMs: 1000 })
})
