const { loadTest } = require('perfspec')

// A 60 s run that the outer test stops by signalling the Jest process (test/e2e/stop-on-signal.test.ts).
test('a 60 s run', async () => {
  const tool = process.env.PERFSPEC_STOP_TOOL
  await loadTest({ url: process.env.PERFSPEC_STOP_URL, tool, users: 2, duration: '60s' })
}, 120_000)
