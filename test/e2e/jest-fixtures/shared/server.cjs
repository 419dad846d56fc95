// A loopback server for the fixture specs, started once per Jest run (globalSetup) in Jest's main process.
// Workers are spawned after globalSetup, so they inherit FIXTURE_BASE_URL. FIXTURE_DELAY_MS slows every
// response down, so a test can make "the server got slower" happen on purpose; /fail answers 500.
const http = require('node:http')

const SERVER = Symbol.for('perfspec-fixture:server')

async function setup() {
  const delayMs = Number(process.env.FIXTURE_DELAY_MS ?? 0)
  const server = http.createServer((request, response) => {
    const reply = () => {
      response.statusCode = request.url === '/fail' ? 500 : 200
      response.end('ok')
    }
    if (delayMs > 0) setTimeout(reply, delayMs)
    else reply()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.env.FIXTURE_BASE_URL = `http://127.0.0.1:${server.address().port}`
  globalThis[SERVER] = server
}

async function teardown() {
  const server = globalThis[SERVER]
  if (server === undefined) return
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

module.exports = { setup, teardown }
