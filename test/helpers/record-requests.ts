import type http from 'node:http'
import type { TestServer } from './servers.ts'

/** A request as the server received it. */
export interface RecordedRequest {
  method: string | undefined
  url: string | undefined
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** Makes the server answer 200 'ok' at once and record every request, body included. */
export function recordRequests(server: TestServer): RecordedRequest[] {
  const seen: RecordedRequest[] = []
  server.setHandler((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks),
      })
      response.end('ok')
    })
  })
  return seen
}
