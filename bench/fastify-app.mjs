// The Fastify app of the in-process bench: `node bench/fastify-app.mjs` serves it in its own process and
// prints its port; bench/trust-engine.mjs also imports startFastifyApp() to serve it inside the bench.
import Fastify from 'fastify'

export async function startFastifyApp() {
  const app = Fastify({ logger: false, keepAliveTimeout: 120_000 })
  app.get('/', async () => ({ hello: 'world' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: app.server.address().port, close: () => app.close() }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { port } = await startFastifyApp()
  process.stdout.write(`${port}\n`)
  process.on('SIGTERM', () => process.exit(0))
}
