const http = require('node:http')
const { isMainThread } = require('node:worker_threads')
const { loadTest } = require('perfspec')

// The app under test, started by the test in its own thread: each request does a fixed amount of work.
const server = http.createServer((_request, response) => {
  let x = 0
  for (let i = 0; i < 50_000; i++) x += Math.sqrt(i + x)
  response.end(String(x > 0))
})
let url = ''

beforeAll(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${server.address().port}/`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

test('an app started in beforeAll costs what its thread spends', async () => {
  const result = await loadTest({ url, name: `main thread: ${isMainThread}`, warmup: '0.3s' })
  expect(result.app).toMatchObject({ measured: true, source: 'test-thread' })
})
