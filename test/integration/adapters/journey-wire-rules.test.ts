import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { K6Adapter } from '../../../src/adapters/k6.ts'
import { LocustAdapter } from '../../../src/adapters/locust.ts'
import type { LoadTestResult } from '../../../src/foundation/model/index.ts'
import type { JourneyStep, LoadTestOptions, ToolName } from '../../../src/foundation/types.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { describeWithTool } from '../../helpers/tools.ts'

// One journey, every engine: what each case's step puts on the wire (its request line and the header it
// names, as bytes) must be the same on native (both transports), k6 and Locust — the rules of
// docs/journeys.md#what-goes-on-the-wire.

interface WireCase {
  /** The step's first path segment: the server files each request under it. */
  name: string
  /** The var `{{v_<name>}}` of the one data row. */
  value: string
  step: JourneyStep
  /** The request line as the server must read it (Latin-1 text of its bytes); absent: refused, never sent. */
  line?: string
  /** The header line (name lower-cased, value as bytes) the server must read. */
  header?: string
}

const CASES: WireCase[] = [
  { name: 'space', value: 'a b', step: { path: '/space/{{v}}' }, line: 'GET /space/a%20b HTTP/1.1' },
  {
    name: 'dots',
    value: '..',
    step: { method: 'POST', path: '/dots/{{v}}' },
    line: 'POST /dots/.. HTTP/1.1',
  },
  {
    name: 'encoded-dots',
    value: '%2e%2e',
    step: { method: 'POST', path: '/encoded-dots/{{v}}' },
    line: 'POST /encoded-dots/%2e%2e HTTP/1.1',
  },
  { name: 'up', value: '../..', step: { path: '/up/{{v}}/x' }, line: 'GET /up/../../x HTTP/1.1' },
  { name: 'static-up', value: '', step: { path: '/static-up/../y' }, line: 'GET /static-up/../y HTTP/1.1' },
  {
    name: 'utf8',
    value: 'café☃',
    step: { path: '/utf8/{{v}}' },
    line: 'GET /utf8/caf%C3%A9%E2%98%83 HTTP/1.1',
  },
  {
    name: 'reserved',
    value: `a#b%zz%41"<>\\^\`{|}[]'!$&()*+,;=:@~`,
    step: { path: '/reserved/{{v}}' },
    line: `GET /reserved/a%23b%25zz%41%22%3C%3E%5C%5E%60%7B%7C%7D[]'!$&()*+,;=:@~ HTTP/1.1`,
  },
  // A lone surrogate (JSON data can hold one) goes out as U+FFFD's bytes.
  {
    name: 'surrogate',
    value: '\ud800x',
    step: { path: '/surrogate/{{v}}' },
    line: 'GET /surrogate/%EF%BF%BDx HTTP/1.1',
  },
  {
    name: 'query',
    value: 'x y&z/?é',
    step: { path: '/query?q={{v}}' },
    line: 'GET /query?q=x%20y&z/?%C3%A9 HTTP/1.1',
  },
  { name: 'empty-query', value: '?', step: { path: '/empty-query{{v}}' }, line: 'GET /empty-query HTTP/1.1' },
  {
    name: 'padded',
    value: ' \t v  w\t ',
    step: { path: '/padded', headers: { 'x-padded': '{{v}}' } },
    line: 'GET /padded HTTP/1.1',
    header: 'x-padded: v  w',
  },
  { name: 'cafe', value: 'café', step: { path: '/cafe', headers: { 'x-cafe': '{{v}}' } } },
  {
    name: 'proto',
    value: '',
    // The journey gives this step an own header `__proto__: p` (a literal `{ __proto__: … }` sets a prototype).
    step: { path: '/proto' },
    line: 'GET /proto HTTP/1.1',
    header: '__proto__: p',
  },
]

/** Per case: every distinct request head the server read (the request line, then the case's header line). */
type Seen = Map<string, Set<string>>

/** A raw TCP server answering every request with 200; it reads heads as bytes, no HTTP parser in between. */
async function startRecordingServer(): Promise<{ url: string; seen: Seen; close(): Promise<void> }> {
  const seen: Seen = new Map()
  const sockets = new Set<net.Socket>()
  const record = (head: string) => {
    const [line = '', ...fields] = head.split('\r\n')
    const name = /^\S+ \/([^/?% ]*)/.exec(line)?.[1] ?? ''
    const wanted = CASES.find((item) => item.name === name)?.header?.split(':')[0]
    const header = fields
      .map((field) => field.replace(/^[^:]*/, (fieldName) => fieldName.toLowerCase()))
      .filter((field) => wanted !== undefined && field.startsWith(`${wanted}:`))
    const heads = seen.get(name) ?? new Set<string>()
    heads.add([line, ...header].join('\n'))
    seen.set(name, heads)
  }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = Buffer.alloc(0)
    let bodyLeft = 0
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        const skip = Math.min(bodyLeft, pending.length)
        pending = pending.subarray(skip)
        bodyLeft -= skip
        if (bodyLeft > 0) return
        const end = pending.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = pending.subarray(0, end).toString('latin1')
        pending = pending.subarray(end + 4)
        bodyLeft = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        record(head)
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** The journey: one scenario (one user) per case, so a refused case does not stop the others. */
function journey(url: string, tool: ToolName, extra: Partial<LoadTestOptions> = {}): LoadTestOptions {
  return {
    url,
    tool,
    users: CASES.length,
    duration: 1,
    data: [Object.fromEntries(CASES.map((item) => [`v_${item.name.replaceAll('-', '_')}`, item.value]))],
    scenarios: CASES.map((item) => {
      const rename = (text: string) => text.replace('{{v}}', `{{v_${item.name.replaceAll('-', '_')}}}`)
      const headers = Object.fromEntries(
        Object.entries(item.step.headers ?? {}).map(([name, value]) => [name, rename(value)]),
      )
      if (item.name === 'proto') Object.defineProperty(headers, '__proto__', { value: 'p', enumerable: true })
      return {
        name: item.name,
        steps: [{ ...item.step, name: item.name, path: rename(String(item.step.path)), headers }],
      }
    }),
    ...extra,
  }
}

let server: Awaited<ReturnType<typeof startRecordingServer>>

beforeAll(async () => {
  server = await startRecordingServer()
})

afterAll(async () => {
  await server.close()
})

/** Runs the journey and checks each case's bytes (or its refusal) against the table. */
async function expectWireRules(tool: ToolName, extra: Partial<LoadTestOptions> = {}): Promise<void> {
  server.seen.clear()
  const result: LoadTestResult = await loadTest(journey(server.url, tool, extra))
  const got = CASES.map((item) => ({ case: item.name, heads: [...(server.seen.get(item.name) ?? [])] }))
  const want = CASES.map((item) => ({
    case: item.name,
    heads: item.line === undefined ? [] : [[item.line, ...(item.header ? [item.header] : [])].join('\n')],
  }))
  expect(got).toEqual(want)
  expect([...server.seen.keys()].filter((name) => !CASES.some((item) => item.name === name))).toEqual([])
  for (const item of CASES) {
    const endpoint = result.endpoints?.[item.name]
    if (item.line === undefined) {
      // Never on the wire: counted as not sent, not as a request.
      expect(endpoint?.notSent?.template?.count, item.name).toBeGreaterThan(0)
      expect(endpoint?.totalRequests ?? 0, item.name).toBe(0)
    } else expect(endpoint?.successfulRequests, item.name).toBeGreaterThan(0)
  }
}

describe('one journey, the same request line and header bytes on every engine', () => {
  it('native, fast transport', async () => {
    await expectWireRules('native')
  })

  it('native, undici transport', async () => {
    await expectWireRules('native', { transport: 'undici' })
  })
})

await describeWithTool(new K6Adapter(), 'the journey on k6', () => {
  it('k6', async () => {
    await expectWireRules('k6')
  })
})

await describeWithTool(new LocustAdapter(), 'the journey on Locust', () => {
  it('Locust', async () => {
    // Locust starts `users` users a second: 2 s gives the last one a second of its own on a busy machine.
    await expectWireRules('locust', { duration: 2 })
  })
})
