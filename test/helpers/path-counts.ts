import type http from 'node:http'
import type { TestServer } from './servers.ts'

/** How the counting server answers: after `delayMs`, with `statusOf(path)` (200 by default). */
export interface PathCountOptions {
  delayMs?: number
  statusOf?: (path: string) => number
}

/** Makes the server count the requests it receives per path (query dropped), from now on. */
export function countPaths(server: TestServer, options: PathCountOptions = {}): Map<string, number> {
  const counts = new Map<string, number>()
  const handler: http.RequestListener = (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const reply = () => {
      response.statusCode = options.statusOf?.(path) ?? 200
      response.end('ok')
    }
    if (options.delayMs !== undefined && options.delayMs > 0) setTimeout(reply, options.delayMs)
    else reply()
  }
  server.setHandler(handler)
  return counts
}
