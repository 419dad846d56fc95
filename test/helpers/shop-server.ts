import type http from 'node:http'

/**
 * A shop that counts requests per route (`/items/:id` as `/items`): `GET /cart?u=N` lists 1–3 item ids and
 * says whether the user is premium (every other user), `POST /login` answers a token, `/denied` is a 403,
 * anything else 200 (`ok` says whether the request carried the login's token).
 */
export function shop(perRoute: Map<string, number>): http.RequestListener {
  return (request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://base.invalid')
    const route = pathname.startsWith('/items/') ? '/items' : pathname
    perRoute.set(route, (perRoute.get(route) ?? 0) + 1)
    request.resume()
    request.on('end', () => {
      response.setHeader('content-type', 'application/json')
      if (route === '/cart') {
        const user = Number(searchParams.get('u'))
        const items = Array.from({ length: 1 + (user % 3) }, (_, index) => 10 + index)
        response.end(JSON.stringify({ items, premium: user % 2 === 0 }))
      } else if (route === '/login') {
        response.end(JSON.stringify({ token: 't' }))
      } else if (route === '/denied') {
        response.statusCode = 403
        response.end('{}')
      } else {
        response.end(JSON.stringify({ ok: request.headers.authorization === 'Bearer t' }))
      }
    })
  }
}
