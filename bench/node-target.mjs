// A fast loopback target for when nginx is not installed. Prints its port, then serves 'ok'.
import http from 'node:http'

const body = Buffer.from('ok')
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-length': '2', 'content-type': 'text/plain' })
  response.end(body)
})
server.keepAliveTimeout = 120_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
