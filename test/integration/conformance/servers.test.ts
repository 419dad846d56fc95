import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoadTestOptions, NativeTransport } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { aiohttp, goNetHttp, pythonHttpServer } from '../../helpers/conformance/language-servers.ts'
import { express, fastify, nodeHttp } from '../../helpers/conformance/node-servers.ts'
import type { ConformanceServer, ServerKind } from '../../helpers/conformance/server-process.ts'
import { apache, nginx } from '../../helpers/conformance/web-servers.ts'
import { requiredTools } from '../../helpers/tools.ts'

// Both transports against real servers: every request the result counts is one the server handled, and
// the other way round.

const TRANSPORTS: NativeTransport[] = ['undici', 'fast']
const SERVERS: ServerKind[] = [
  nodeHttp,
  fastify,
  express,
  nginx,
  apache,
  goNetHttp,
  pythonHttpServer('HTTP/1.1'),
  pythonHttpServer('HTTP/1.0'),
  aiohttp,
]

/** Runs `options` and checks that the server's count moved by exactly what the result counted. */
async function expectCountsAgree(
  server: ConformanceServer,
  options: Omit<LoadTestOptions, 'url'>,
  requests: number,
) {
  const before = await server.served()
  const result = await loadTest({ ...options, url: server.url, requests })
  const served = (await server.served()) - before
  expect(result.metrics.errorsByType).toEqual({})
  expect(result.metrics.successfulRequests).toBe(requests)
  expect(result.metrics.totalRequests).toBe(requests)
  expect(served).toBe(requests)
}

for (const kind of SERVERS) {
  const reason = kind.missing()
  const required = kind.requires !== undefined && requiredTools().has(kind.requires)
  if (reason !== undefined && !required) {
    describe.skip(`conformance: ${kind.name} (skipped: ${reason})`, () => {
      it('is not installed', () => {})
    })
    continue
  }
  describe(`conformance: ${kind.name}`, () => {
    let server: ConformanceServer
    beforeAll(async () => {
      if (reason !== undefined)
        throw new Error(`${kind.requires} is required by PERFSPEC_REQUIRE_TOOLS: ${reason}`)
      server = await kind.start()
    }, 200_000)
    afterAll(async () => {
      await server?.close()
    })

    describe.each(TRANSPORTS)('transport %s', (transport) => {
      it('counts keep-alive GETs as the server does', async () => {
        await expectCountsAgree(server, { transport, users: 4 }, 200)
      })

      it('counts pipelined GETs as the server does', async () => {
        await expectCountsAgree(server, { transport, users: 2, pipelining: 4 }, 200)
      })

      it('counts HEADs as the server does, keeping the connection', async () => {
        await expectCountsAgree(server, { transport, users: 2, method: 'HEAD' }, 60)
      })

      const postTitle = kind.acceptsPost
        ? 'counts POSTs with a 1 KB body as the server does'
        : `counts POSTs (skipped: ${kind.name} serves static files and refuses POST)`
      it.skipIf(!kind.acceptsPost)(postTitle, async () => {
        const body = 'x'.repeat(1024)
        await expectCountsAgree(server, { transport, users: 2, method: 'POST', body }, 100)
      })
    })
  })
}
