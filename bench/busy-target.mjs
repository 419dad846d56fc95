// A loopback target whose every response costs DELAY_MS of waiting (as on a database) and BUSY_US
// microseconds of CPU (spun, not slept). Prints its port, then serves.
import http from 'node:http'

const delayMs = Number(process.env.DELAY_MS ?? 10)
const busyUs = Number(process.env.BUSY_US ?? 200)
const server = http.createServer((_request, response) => {
  setTimeout(() => {
    const until = performance.now() + busyUs / 1000
    while (performance.now() < until) {}
    response.end('ok')
  }, delayMs)
})
server.keepAliveTimeout = 120_000
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
