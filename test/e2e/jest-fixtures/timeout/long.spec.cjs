const { loadTest } = require('perfspec')

// A run bounded only by a huge request count (so its length is unknown up front) in a test that times out
// after 1.5 s: perfspec's per-test signal stops the load when Jest gives up on the test, and the partial
// result is kept and reported.
test('a run longer than its test', async () => {
  await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/long`, requests: 1_000_000_000 })
}, 1500)
