import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  interface ProvidedContext {
    /** Base URL of the demo API, e.g. http://127.0.0.1:41234 */
    demoUrl: string
  }
}

const PRODUCTS = JSON.stringify([
  { id: 1, name: 'Trail shoes', price: 120 },
  { id: 2, name: 'Rain jacket', price: 90 },
])

// A small API with a little simulated work per route, so the numbers look like a real service's.
function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
  const reply = (status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(body)
  }
  if (pathname === '/health') reply(200, '{"ok":true}')
  else if (pathname === '/api/products') setTimeout(() => reply(200, PRODUCTS), 2)
  else if (pathname === '/api/search') setTimeout(() => reply(200, '{"hits":[1,2]}'), 8)
  else reply(404, '{"error":"not found"}')
}

/** Vitest globalSetup: starts the demo API on 127.0.0.1 (a free port) and hands its URL to the specs. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = http.createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  project.provide('demoUrl', `http://127.0.0.1:${port}`)
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
}
