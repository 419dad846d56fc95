import type { Socket } from 'node:net'
import { type RawServer, startRawServer } from './raw-server.ts'
import { startServer, type TestServer } from './servers.ts'

/**
 * The one misbehaving server a fault case runs against: started by `http` or `raw`, closed by `close`
 * (call it in `afterEach`, before asserting that nothing leaked).
 */
export function faultServers() {
  let closeServer: (() => Promise<void>) | undefined
  return {
    async http(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
      const server = await startServer(handler)
      closeServer = () => server.close()
      return server
    },
    async raw(onRequest: (socket: Socket) => void): Promise<RawServer> {
      const server = await startRawServer(onRequest)
      closeServer = () => server.close()
      return server
    },
    async close(): Promise<void> {
      await closeServer?.()
      closeServer = undefined
    },
  }
}
