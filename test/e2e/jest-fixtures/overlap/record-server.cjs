// Notes when each path got its first and last request, and writes them to runs.json at the end (teardown):
// two runs overlapped when their spans do. Started in Jest's main process; workers inherit the URL.
const { writeFileSync } = require('node:fs')
const http = require('node:http')

const SERVER = Symbol.for('perfspec-fixture:record-server')

async function setup() {
  const spans = {}
  const server = http.createServer((request, response) => {
    const now = performance.now()
    spans[request.url] ??= { first: now, last: now }
    spans[request.url].last = now
    response.end('ok')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.env.FIXTURE_BASE_URL = `http://127.0.0.1:${server.address().port}`
  globalThis[SERVER] = { server, spans }
}

async function teardown() {
  const { server, spans } = globalThis[SERVER]
  writeFileSync('runs.json', JSON.stringify(spans))
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

module.exports = { setup, teardown }
