import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { createAdapter } from '../../src/adapters/index.ts'
import type { LoadTestOptions, ToolName } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { type RecordedRequest, recordRequests } from '../helpers/record-requests.ts'
import { startServer, type TestServer } from '../helpers/servers.ts'
import { describeWithTool } from '../helpers/tools.ts'

// One rule on every engine: the user's content-length and transfer-encoding are dropped with a warning
// (each engine frames the body itself), and `user:password@` in the URL becomes Basic auth on every request.
// Checked at a real loopback server, whose parser would refuse a doubled Content-Length or CL with TE.

const engines: [string, ToolName, Partial<LoadTestOptions>][] = [
  ['native (undici)', 'native', { transport: 'undici' }],
  ['native (fast)', 'native', { transport: 'fast' }],
  ['k6', 'k6', {}],
  ['ab', 'ab', {}],
  ['locust', 'locust', {}],
]
let server: TestServer
let seen: RecordedRequest[]

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())
beforeEach(() => {
  seen = recordRequests(server)
})

for (const [name, tool, extra] of engines)
  await describeWithTool(createAdapter(tool), name, () => {
    const run = (options: Partial<LoadTestOptions>) =>
      loadTest({ url: server.url, tool, users: 1, duration: '1s', ...extra, ...options } as LoadTestOptions)

    it('drops the user’s content-length and transfer-encoding with a warning; the body is framed as sent', async () => {
      const result = await run({
        method: 'POST',
        body: 'hello',
        headers: { 'content-length': '999', 'transfer-encoding': 'chunked', 'x-kept': 'yes' },
      })
      expect(result.metrics.failedRequests).toBe(0)
      const posts = seen.filter((request) => request.method === 'POST')
      expect(posts.length).toBeGreaterThan(0)
      for (const request of posts) {
        expect(request.headers['content-length']).toBe('5')
        expect(request.headers['transfer-encoding']).toBeUndefined()
        expect(request.headers['x-kept']).toBe('yes')
        expect(request.body.toString()).toBe('hello')
      }
      const warnings = result.warnings.join('\n')
      expect(warnings).toContain('`headers.content-length` was not sent')
      expect(warnings).toContain('`headers.transfer-encoding` was not sent')
    })

    it('sends user:password@ of the URL as Basic auth on every request', async () => {
      const url = server.url.replace('//', '//alice:p%40ss%20word@')
      const result = await run({ url })
      expect(result.metrics.failedRequests).toBe(0)
      expect(seen.length).toBeGreaterThan(0)
      const expected = `Basic ${Buffer.from('alice:p@ss word').toString('base64')}`
      for (const request of seen) expect(request.headers.authorization).toBe(expected)
    })
  })
