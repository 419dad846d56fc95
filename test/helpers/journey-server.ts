import type { IncomingMessage, ServerResponse } from 'node:http'
import { startServer, type TestServer } from './servers.ts'

/**
 * A loopback API for journeys: `POST /login` hands out a token for `{ user }`; `/items/:id` and
 * `POST /orders` want `authorization: Bearer <token>` (401 without); any other path answers 200. It counts
 * requests per route (`/items/:id` counts as `/items`), 401s, and the ids and users it saw.
 */
export interface JourneyServer extends TestServer {
  readonly perRoute: Map<string, number>
  readonly itemIds: Set<string>
  readonly loginUsers: Set<string>
  readonly unauthorized: number
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString()))
  })
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.statusCode = status
  response.setHeader('content-type', 'application/json')
  response.end(JSON.stringify(value))
}

export async function startJourneyServer(): Promise<JourneyServer> {
  const perRoute = new Map<string, number>()
  const itemIds = new Set<string>()
  const loginUsers = new Set<string>()
  const tokens = new Set<string>()
  let unauthorized = 0
  let orders = 0
  const authorized = (request: IncomingMessage): boolean => {
    const token = request.headers.authorization?.replace(/^Bearer /, '')
    if (token !== undefined && tokens.has(token)) return true
    unauthorized++
    return false
  }
  const server = await startServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://base.invalid')
    const route = pathname.startsWith('/items/') ? '/items' : pathname
    perRoute.set(route, (perRoute.get(route) ?? 0) + 1)
    const body = await readBody(request)
    if (route === '/login' && request.method === 'POST') {
      const user = String((JSON.parse(body || '{}') as { user?: unknown }).user)
      loginUsers.add(user)
      const token = `tok-${user}`
      tokens.add(token)
      response.setHeader('x-session', `s-${user}`)
      json(response, 200, { data: { token } })
    } else if (route === '/items') {
      if (!authorized(request)) return json(response, 401, { error: 'no token' })
      const id = pathname.slice('/items/'.length)
      itemIds.add(id)
      json(response, 200, { id, name: `item ${id}` })
    } else if (route === '/orders' && request.method === 'POST') {
      if (!authorized(request)) return json(response, 401, { error: 'no token' })
      json(response, 201, { id: ++orders, got: JSON.parse(body || '{}') })
    } else {
      json(response, 200, { ok: true })
    }
  })
  return Object.assign(server, {
    perRoute,
    itemIds,
    loginUsers,
    get unauthorized() {
      return unauthorized
    },
  })
}
