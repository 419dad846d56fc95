import { afterEach, describe, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../src/adapters/ab.ts'
import { K6Adapter } from '../../src/adapters/k6.ts'
import { LocustAdapter } from '../../src/adapters/locust.ts'
import { isPerfError } from '../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { type RawServer, startRawServer } from '../helpers/raw-server.ts'
import { describeWithTool } from '../helpers/tools.ts'

// Checked on the wire, by a raw socket server that records every byte: hostile header values, names,
// methods and URLs never reach the socket from any engine (a PerfError comes first, no connection is
// made), and legal values go out byte for byte: ASCII from every engine, obs-text (Latin-1) from the
// native engine, which sends it as one byte; the external tools would send UTF-8, so they refuse it.

const ENGINES = [
  ['native (undici)', { tool: 'native', transport: 'undici' }],
  ['native (fast)', { tool: 'native', transport: 'fast' }],
  ['k6', { tool: 'k6' }],
  ['ab', { tool: 'ab' }],
  ['locust', { tool: 'locust' }],
] as const satisfies readonly (readonly [string, Partial<LoadTestOptions>])[]

/** Values with CR, LF or NUL, as themselves or as the low byte of a character above Latin-1. */
const HOSTILE_VALUES = [
  'v\r\nGET /smuggled HTTP/1.1\r\nhost: victim\r\n\r\n',
  '\u010d\u010aGET /smuggled HTTP/1.1\u010d\u010ahost: victim\u010d\u010a\u010d\u010a',
  '\u010d',
  '\u010a',
  '\u0100',
  '\u20ac5 \u{1f600}',
  'v\r',
  'v\n',
  'v\0',
  'v\x01',
  'v\x0b',
  'v\x1b',
  'v\x7f',
]

let server: RawServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A server answering every request head with an empty 200 and closing: any tool finishes against it. */
async function startRecordingServer(): Promise<RawServer> {
  server = await startRawServer((socket) => {
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
  })
  return server
}

async function rejectionOf(options: LoadTestOptions): Promise<unknown> {
  return loadTest(options).then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe.each(ENGINES)('%s: hostile values never reach the socket', (_engine, engineOptions) => {
  const base = { duration: '1s', users: 1, ...engineOptions } as const
  const cases: [label: string, options: (url: string) => LoadTestOptions][] = [
    ...HOSTILE_VALUES.map((value): [string, (url: string) => LoadTestOptions] => [
      `header value ${JSON.stringify(value)}`,
      (url) => ({ ...base, url, headers: { 'x-perf': value } }),
    ]),
    ...['x\r\ny', 'x\u010d\u010ay', 'x\u0100', 'x\0'].map(
      (name): [string, (url: string) => LoadTestOptions] => [
        `header name ${JSON.stringify(name)}`,
        (url) => ({ ...base, url, headers: { [name]: 'v' } }),
      ],
    ),
    [
      'method with CRLF',
      (url) => ({ ...base, url, method: 'GET /x HTTP/1.1\r\nhost: victim\r\n\r\nGET' as never }),
    ],
    ['URL path with CRLF', (url) => ({ ...base, url: `${url}a\r\nhost: victim` })],
    ['URL query with LF', (url) => ({ ...base, url: `${url}?q=1\nhost: victim` })],
    ['URL path with NUL', (url) => ({ ...base, url: `${url}a\0b` })],
  ]

  it.each(cases)('%s: a PerfError, no connection, no byte', async (_label, options) => {
    const target = await startRecordingServer()
    const error = await rejectionOf(options(target.url))
    expect(isPerfError(error, 'PERF_INVALID_OPTION'), String(error)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(target.connections).toBe(0)
    expect(target.bytes.length).toBe(0)
  })
})

/** The value of the first `name` header in the first request head received, as raw bytes. */
function firstHeaderBytes(bytes: Buffer, name: string): Buffer | undefined {
  const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n'))
  for (let start = head.indexOf('\r\n') + 2; start > 1 && start < head.length; ) {
    let end = head.indexOf('\r\n', start)
    if (end === -1) end = head.length
    const line = head.subarray(start, end)
    const colon = line.indexOf(':')
    if (line.subarray(0, colon).toString('latin1').toLowerCase() === name) {
      return line.subarray(colon + 2)
    }
    start = end + 2
  }
  return undefined
}

// Every printable ASCII character, inner space and tab: legal on every engine.
const ASCII_VALUE = `!"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_\`az{|}~ a\tb`
const OBS_TEXT_VALUE = 'caf\u00e9 \u00a0\u00ff'

describe.each([
  ['native (undici)', { tool: 'native', transport: 'undici' }],
  ['native (fast)', { tool: 'native', transport: 'fast' }],
] as const)('%s: legal values go out byte for byte', (_engine, engineOptions) => {
  it.each([ASCII_VALUE, OBS_TEXT_VALUE])('%j', async (value) => {
    const target = await startRecordingServer()
    const result = await loadTest({
      url: target.url,
      requests: 1,
      users: 1,
      ...engineOptions,
      headers: { 'x-perf': value },
    })
    expect(result.metrics.totalRequests).toBe(1)
    expect(firstHeaderBytes(target.bytes, 'x-perf')).toEqual(Buffer.from(value, 'latin1'))
  })
})

for (const [name, adapter] of [
  ['k6', new K6Adapter()],
  ['ab', new ApacheBenchAdapter()],
  ['locust', new LocustAdapter()],
] as const) {
  await describeWithTool(adapter, `${name}: ASCII goes out byte for byte, obs-text is refused`, () => {
    it('ASCII', { timeout: 30_000 }, async () => {
      const target = await startRecordingServer()
      await loadTest({
        url: target.url,
        tool: name,
        // Locust's -t clock includes spawning its users, which a busy machine slows: 3 s to send something.
        duration: name === 'locust' ? '3s' : '1s',
        users: 1,
        headers: { 'x-perf': ASCII_VALUE },
      })
      expect(target.requests).toBeGreaterThan(0)
      expect(firstHeaderBytes(target.bytes, 'x-perf')).toEqual(Buffer.from(ASCII_VALUE, 'latin1'))
    })

    it('obs-text, which it would send as UTF-8: an UnsupportedOptionError, no byte', async () => {
      const target = await startRecordingServer()
      const error = await rejectionOf({
        url: target.url,
        tool: name,
        duration: '1s',
        users: 1,
        headers: { 'x-perf': OBS_TEXT_VALUE },
      })
      expect(isPerfError(error, 'PERF_TOOL_UNSUPPORTED_OPTION'), String(error)).toBe(true)
      expect((error as Error).message).toContain('headers.x-perf')
      expect(target.bytes.length).toBe(0)
    })
  })
}
