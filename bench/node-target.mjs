// A fast loopback target for when nginx is not installed. Prints its port, then serves 'ok';
// GET /__count answers how many other requests it has served (as nginx's stub_status does for nginx).
import http from 'node:http'

const body = Buffer.from('ok')
let served = 0
const server = http.createServer((request, response) => {
  if (request.url === '/__count') {
    response.end(String(served))
    return
  }
  served++
  response.writeHead(200, { 'content-length': '2', 'content-type': 'text/plain' })
  response.end(body)
})
server.keepAliveTimeout = 120_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
