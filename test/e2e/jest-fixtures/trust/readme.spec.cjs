const { loadTest } = require('perfspec')

// Longer than Jest's default 5 s test timeout, on a config that sets none.
test('a healthy 7 s run', async () => {
  const result = await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/`, duration: '7s' })
  expect(result).toHaveErrorRateBelow(1)
})

test('a run longer than its own timeout', async () => {
  await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/`, duration: '5s' })
}, 2000)
