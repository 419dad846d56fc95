import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConformanceServer, ServerKind } from './server-process.ts'

/** A server in this process: `listen` binds the framework's app on 127.0.0.1:0 and `close` stops it. */
async function inProcess(
  listen: (onRequest: () => void) => Promise<{ port: number; close: () => Promise<void> }>,
): Promise<ConformanceServer> {
  let count = 0
  const { port, close } = await listen(() => {
    count++
  })
  return { url: `http://127.0.0.1:${port}/`, served: async () => count, close }
}

export const nodeHttp: ServerKind = {
  name: 'node:http',
  acceptsPost: true,
  missing: () => undefined,
  start: () =>
    inProcess(async (onRequest) => {
      const server = http.createServer((request, response) => {
        onRequest()
        request.resume()
        request.on('end', () => response.end('ok'))
      })
      server.keepAliveTimeout = 60_000
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          }),
      }
    }),
}

async function hasModule(name: string): Promise<boolean> {
  try {
    await import(name)
    return true
  } catch {
    return false
  }
}
const HAS_FASTIFY = await hasModule('fastify')
const HAS_EXPRESS = await hasModule('express')

export const fastify: ServerKind = {
  name: 'Fastify',
  requires: 'fastify',
  acceptsPost: true,
  missing: () => (HAS_FASTIFY ? undefined : 'fastify not installed (npm devDependency)'),
  start: () =>
    inProcess(async (onRequest) => {
      const { default: Fastify } = await import('fastify')
      const app = Fastify({ keepAliveTimeout: 60_000 })
      // Any content type: the body is read and dropped.
      app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null))
      app.all('/*', async () => {
        onRequest()
        return 'ok'
      })
      await app.listen({ host: '127.0.0.1', port: 0 })
      return { port: (app.server.address() as AddressInfo).port, close: () => app.close() }
    }),
}

type ExpressApp = http.RequestListener & {
  use(
    handler: (
      request: http.IncomingMessage,
      response: http.ServerResponse & { send(body: string): void },
    ) => void,
  ): void
}

export const express: ServerKind = {
  name: 'Express',
  requires: 'express',
  acceptsPost: true,
  missing: () => (HAS_EXPRESS ? undefined : 'express not installed (npm devDependency)'),
  start: () =>
    inProcess(async (onRequest) => {
      // Express ships no types of its own; the little used here is typed by hand.
      const moduleName = 'express'
      const { default: createApp } = (await import(moduleName)) as { default: () => ExpressApp }
      const app = createApp()
      app.use(
        (request: http.IncomingMessage, response: http.ServerResponse & { send(body: string): void }) => {
          onRequest()
          request.resume()
          request.on('end', () => response.send('ok'))
        },
      )
      const server = http.createServer(app)
      server.keepAliveTimeout = 60_000
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          }),
      }
    }),
}
