import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdapter } from '../../../src/adapters/index.ts'
import { NativeAdapter } from '../../../src/adapters/native.ts'
import { assertSupported, runAdapter } from '../../../src/adapters/run-adapter.ts'
import { isPerfError } from '../../../src/foundation/errors.ts'
import { type LoadTestOptions, TOOL_NAMES, type ToolName } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { type RecordedRequest, recordRequests } from '../../helpers/record-requests.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

const url = 'http://127.0.0.1:9/'

function refusal(tool: ToolName, options: Partial<LoadTestOptions>): unknown {
  try {
    assertSupported(createAdapter(tool), resolveLoadOptions({ url, tool, ...options }))
  } catch (error) {
    return error
  }
  return undefined
}

describe('the adapter protocol', () => {
  it('has one adapter per tool name, each declaring what it refuses and its file descriptors', () => {
    for (const name of TOOL_NAMES) {
      const adapter = createAdapter(name)
      expect(adapter.name).toBe(name)
      expect(typeof adapter.unsupported).toBe('object')
      expect(adapter.fds.own === 'in-process' || adapter.fds.own > 0).toBe(true)
    }
  })

  it.each<[ToolName, Partial<LoadTestOptions>, string]>([
    ['ab', { rampUp: 1 }, 'rampUp'],
    ['locust', { rate: 5 }, 'rate'],
    ['k6', { check: () => true }, 'check'],
    ['k6', { maxHeaderSize: 65_536 }, 'maxHeaderSize'],
  ])('refuses what %s declares it cannot do: %o', (tool, options, option) => {
    const error = refusal(tool, options)
    expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION')).toBe(true)
    expect(error).toMatchObject({ tool, option })
  })

  it("refuses what a user's own script or locustfile defines only when there is one", () => {
    expect(refusal('k6', { method: 'POST' })).toBeUndefined()
    expect(refusal('k6', { method: 'POST', script: 'user.js' })).toMatchObject({ option: 'method' })
    expect(refusal('locust', { headers: { 'x-a': '1' } })).toBeUndefined()
    expect(refusal('locust', { headers: { 'x-a': '1' }, locustfile: 'f.py' })).toMatchObject({
      option: 'headers',
    })
  })

  it('leaves nothing for the native engine to refuse here: its combinations were refused at resolution', () => {
    expect(refusal('native', { rampUp: 1, rate: 5, maxHeaderSize: 65_536 })).toBeUndefined()
  })
})

describe('runAdapter', () => {
  let server: TestServer
  let seen: RecordedRequest[]

  beforeAll(async () => {
    server = await startServer()
    seen = recordRequests(server)
  })
  afterAll(() => server.close())

  it('applies the request rules once: the adapter sends the ruled request, the result warns once', async () => {
    const options = resolveLoadOptions({
      url: server.url.replace('//', '//alice:s3cret@'),
      users: 1,
      requests: 3,
      workers: 0,
      headers: { 'content-length': '99' },
    })
    const run = await runAdapter(new NativeAdapter(), options)
    expect(run.metrics.totalRequests).toBe(3)
    expect(seen).toHaveLength(3)
    for (const request of seen) {
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`)
      expect(request.headers['content-length']).toBeUndefined()
    }
    expect(run.warnings.filter((warning) => warning.includes('`headers.content-length`'))).toHaveLength(1)
  })
})
