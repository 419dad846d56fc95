// A Fastify target (a real framework on node:http): prints its port, then serves 'ok';
// GET /__count answers how many other requests it has served.
import Fastify from 'fastify'

let served = 0
const app = Fastify({ keepAliveTimeout: 120_000 })
app.get('/__count', async () => String(served))
app.get('/', async () => {
  served++
  return 'ok'
})
await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`${app.server.address().port}\n`)
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
