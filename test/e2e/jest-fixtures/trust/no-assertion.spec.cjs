const { loadTest } = require('perfspec')

// No assertion: the error budget alone decides. Port 9 (discard) on loopback has nothing listening.
test('a dead target', async () => {
  await loadTest({ url: 'http://127.0.0.1:9/', duration: '1s' })
})

test('a target answering 500 only', async () => {
  await loadTest({ url: `${process.env.FIXTURE_BASE_URL}/fail`, duration: '1s' })
})
