import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { buildK6Args } from '../../../../src/adapters/k6.ts'
import {
  GENERATED_K6_SCRIPT,
  K6_SPEC_ENV,
  k6LoadOptions,
  k6Spec,
} from '../../../../src/adapters/scripts/k6-script.ts'
import { GENERATED_LOCUSTFILE, locustRequestSpec } from '../../../../src/adapters/scripts/locustfile.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { seededRandom } from '../../../helpers/seeded-random.ts'

// Quotes, backticks, template and Python f-string syntax, docstring quotes, a newline in the body.
const HOSTILE = `"'\`\${globalThis.pwned = 1}\`"""{__import__('os').system('false')}\\ </script>`
const BODY = Buffer.from(`${HOSTILE}\n"""\nline\r\n\u00e9\u2603`)
const URL_TEXT = `http://127.0.0.1:9/p"a\`th/\${globalThis.pwned = 2}?q="""&r='1'`

const hostileOptions = () =>
  resolveLoadOptions({
    url: URL_TEXT,
    method: 'PUT',
    name: HOSTILE,
    headers: { 'x-hostile': HOSTILE },
    body: BODY,
    duration: 1,
    users: 1,
  })

/** A response as k6's `http.request` returns it (the fields the generated script reads). */
interface K6Response {
  status: number
  error_code: number
  error: string
}

/**
 * Runs the generated k6 script in a sandbox that stands in for k6's modules, recording the request and the
 * Counter additions. `response` is what the stand-in `http.request` returns.
 */
function evaluateK6Script(
  specJson: string,
  response: K6Response = { status: 200, error_code: 0, error: '' },
) {
  const calls: { method: string; url: string; body: ArrayBuffer | null; params: unknown }[] = []
  const added: Record<string, number> = {}
  const source = GENERATED_K6_SCRIPT.replace(/^import .*$/gm, '')
    .replace('export const options', 'const options')
    .replace('export default function', 'main = function')
  const sandbox = {
    __ENV: { [K6_SPEC_ENV]: '/tmp/spec.json' },
    open: (file: string) => (file === '/tmp/spec.json' ? specJson : ''),
    encoding: { b64decode: (text: string) => new Uint8Array(Buffer.from(text, 'base64')).buffer },
    http: {
      expectedStatuses: (...codes: unknown[]) => codes,
      setResponseCallback: () => {},
      request: (method: string, url: string, body: ArrayBuffer | null, params: unknown) => {
        calls.push({ method, url, body, params })
        return response
      },
    },
    check: () => true,
    Counter: class {
      readonly name: string
      constructor(name: string) {
        this.name = name
      }
      add(value: number) {
        added[this.name] = (added[this.name] ?? 0) + value
      }
    },
    main: undefined as undefined | (() => void),
  }
  const context = vm.createContext(sandbox)
  vm.runInContext(`${source}\nthis.main = main`, context)
  sandbox.main?.()
  return { calls, added, context: context as Record<string, unknown> }
}

describe('generated k6 script', () => {
  it('is the same code whatever the options: values never become source', () => {
    const script = GENERATED_K6_SCRIPT
    expect(script).not.toContain('pwned')
    expect(script).not.toContain('x-hostile')
    expect(script).toContain(`JSON.parse(open(__ENV.${K6_SPEC_ENV}))`)
  })

  it('carries the values only in the JSON spec, and evaluating it yields them exactly', () => {
    const options = hostileOptions()
    const spec = JSON.parse(JSON.stringify(k6Spec(options)))
    expect(spec.request.url).toBe(new URL(URL_TEXT).href)
    expect(spec.request.name).toBe(HOSTILE)
    expect(spec.request.headers).toEqual({ 'x-hostile': HOSTILE })
    expect(Buffer.from(spec.request.bodyBase64, 'base64').equals(BODY)).toBe(true)
  })

  it('sends exactly those values when the script runs, and runs none of them', () => {
    const { calls, context } = evaluateK6Script(JSON.stringify(k6Spec(hostileOptions())))
    expect(calls).toHaveLength(1)
    const [call] = calls
    expect(call?.method).toBe('PUT')
    expect(call?.url).toBe(new URL(URL_TEXT).href)
    expect(Buffer.from(call?.body as ArrayBuffer).equals(BODY)).toBe(true)
    expect(call?.params).toMatchObject({
      headers: { 'x-hostile': HOSTILE },
      tags: { name: HOSTILE },
      redirects: 0,
    })
    // The sandbox's globalThis is `context`: an executed `${…}` from the values would have set `pwned` there.
    expect(context.pwned).toBeUndefined()
  })

  it("files each failed request under one perfspec error type by k6's status and error_code", () => {
    const spec = (expectStatus?: number[]) =>
      JSON.stringify(
        k6Spec(
          resolveLoadOptions({
            url: 'http://127.0.0.1:9/',
            duration: 1,
            ...(expectStatus ? { expectStatus } : {}),
          }),
        ),
      )
    const cases: [K6Response, string | undefined, number[]?][] = [
      [{ status: 200, error_code: 0, error: '' }, undefined],
      [{ status: 0, error_code: 1050, error: 'request timeout' }, 'timeout'],
      [{ status: 0, error_code: 1211, error: 'dial: i/o timeout' }, 'timeout'],
      [{ status: 0, error_code: 1212, error: 'dial: connection refused' }, 'connection_refused'],
      [{ status: 0, error_code: 1220, error: 'read: connection reset by peer' }, 'connection_reset'],
      [{ status: 0, error_code: 1201, error: 'write: broken pipe' }, 'connection_reset'],
      [{ status: 0, error_code: 1101, error: 'lookup: no such host' }, 'dns'],
      [{ status: 0, error_code: 1000, error: 'EOF' }, 'connection_reset'],
      [{ status: 0, error_code: 1000, error: 'unexpected EOF' }, 'invalid_response'],
      [
        {
          status: 0,
          error_code: 1000,
          error: 'net/http: HTTP/1.x transport connection broken: malformed HTTP',
        },
        'invalid_response',
      ],
      [{ status: 0, error_code: 1000, error: 'something else' }, 'other'],
      [{ status: 0, error_code: 1310, error: 'x509: unknown authority' }, 'tls'],
      [{ status: 0, error_code: 1311, error: "x509: certificate doesn't match hostname" }, 'tls'],
      [{ status: 0, error_code: 1301, error: 'tls: first record does not look like a TLS handshake' }, 'tls'],
      [
        {
          status: 0,
          error_code: 1000,
          error: 'x509: certificate has expired or is not yet valid: current time',
        },
        'tls',
      ],
      [{ status: 0, error_code: 1010, error: 'remote error: tls: certificate required' }, 'tls'],
      [{ status: 0, error_code: 1010, error: 'something else' }, 'other'],
      [{ status: 0, error_code: 1638, error: 'stream error: stream ID 3; REFUSED_STREAM' }, 'stream_refused'],
      [{ status: 0, error_code: 1633, error: 'stream error: stream ID 3; INTERNAL_ERROR' }, 'stream_reset'],
      [
        { status: 0, error_code: 1613, error: 'http2: server sent GOAWAY … INTERNAL_ERROR' },
        'connection_reset',
      ],
      [{ status: 0, error_code: 1652, error: 'connection error: PROTOCOL_ERROR' }, 'invalid_response'],
      [{ status: 0, error_code: 1020, error: 'invalid URL' }, 'other'],
      [{ status: 404, error_code: 1404, error: '' }, 'http_4xx'],
      [{ status: 503, error_code: 1503, error: '' }, 'http_5xx'],
      [{ status: 302, error_code: 0, error: '' }, 'unexpected_status', [200]],
      [{ status: 404, error_code: 1404, error: '' }, undefined, [404]],
    ]
    for (const [response, type, expectStatus] of cases) {
      const { added } = evaluateK6Script(spec(expectStatus), response)
      expect(added, JSON.stringify(response)).toEqual(
        type === undefined ? {} : { [`perfspec_failed_${type}`]: 1 },
      )
    }
  })

  it('passes only file paths on the command line', () => {
    const args = buildK6Args(hostileOptions(), {
      script: '/run/s.js',
      spec: '/run/spec.json',
      summary: '/run/summary.json',
    })
    expect(args.join(' ')).not.toContain('pwned')
    expect(args).toContain(`${K6_SPEC_ENV}=/run/spec.json`)
  })
})

// Fuzz: random strings over the characters that break JavaScript, Python and JSON quoting must reach the
// request exactly, through the JSON spec, with nothing executed.
describe('generated scripts under fuzzed hostile values', () => {
  const PIECES = [
    '"',
    "'",
    '`',
    '${',
    '}',
    '"""',
    "'''",
    '\\',
    '\n',
    '\r',
    '\u2028',
    '</script>',
    '#{',
    '%s',
    '{0}',
    '\u0000',
    'é',
    '☃',
    ' ',
    'x',
  ]
  const random = seededRandom(20261125)
  const hostileString = (length: number) =>
    Array.from({ length }, () => PIECES[Math.floor(random() * PIECES.length)]).join('')

  it('200 random values arrive byte for byte in the k6 request and the Locust spec', () => {
    for (let round = 0; round < 200; round++) {
      // A legal header value (http-fields.ts): Latin-1 text without controls, no space at either end.
      const headerValue = `<${hostileString(12).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')}>`
      const name = hostileString(10)
      const body = Buffer.from(hostileString(30))
      const path = `/p/${encodeURIComponent(hostileString(8))}`
      const options = resolveLoadOptions({
        url: `http://127.0.0.1:9${path}`,
        method: 'POST',
        name,
        headers: { 'x-fuzz': headerValue },
        body,
        duration: 1,
        users: 1,
      })
      const { calls, context } = evaluateK6Script(JSON.stringify(k6Spec(options)))
      expect(calls).toHaveLength(1)
      expect(calls[0]?.url).toBe(`http://127.0.0.1:9${path}`)
      expect(Buffer.from(calls[0]?.body as ArrayBuffer).equals(body)).toBe(true)
      expect(calls[0]?.params).toMatchObject({ headers: { 'x-fuzz': headerValue }, tags: { name } })
      expect(context.pwned).toBeUndefined()
      const locust = JSON.parse(JSON.stringify(locustRequestSpec(options.request)))
      expect(locust.headers).toEqual({ 'x-fuzz': headerValue })
      expect(locust.path).toBe(path)
      expect(Buffer.from(locust.bodyBase64, 'base64').equals(body)).toBe(true)
    }
  })
})

// Fuzz: a control character (or, in a header, a character above Latin-1, whose low byte may be CR or LF)
// anywhere in a header name or value, the method, the URL's path or query is refused before any script
// or spec is built, whichever tool runs.
describe('generated scripts under fuzzed injection attempts', () => {
  const FORBIDDEN_IN_HEADERS = [
    '\r',
    '\n',
    '\r\n',
    '\0',
    '\x01',
    '\x0b',
    '\x1b',
    '\x7f',
    '\u010d',
    '\u010a',
    '\u0100',
    '\u2028',
    '☃',
    '😀',
  ]
  const FORBIDDEN_IN_URL = ['\r', '\n', '\r\n', '\0', '\t', '\x01', '\x1b', '\x7f']
  const random = seededRandom(20261126)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const insert = (text: string, piece: string) => {
    const at = Math.floor(random() * (text.length + 1))
    return `${text.slice(0, at)}${piece}${text.slice(at)}`
  }
  const WHERE = ['header value', 'header name', 'path', 'query', 'method'] as const

  it('200 random values with a forbidden character throw a PerfError for k6 and Locust alike', () => {
    for (let round = 0; round < 200; round++) {
      const where = pick(WHERE)
      const piece = pick(where === 'path' || where === 'query' ? FORBIDDEN_IN_URL : FORBIDDEN_IN_HEADERS)
      const options = {
        url: `http://127.0.0.1:9${where === 'path' ? insert('/p/a', piece) : '/p/a'}?q=${where === 'query' ? insert('1x', piece) : '1'}`,
        method: where === 'method' ? insert('GET', piece) : 'GET',
        headers: {
          [where === 'header name' ? insert('x-fuzz', piece) : 'x-fuzz']:
            where === 'header value' ? insert('v1 v2', piece) : 'v',
        },
        duration: 1,
        users: 1,
      }
      for (const tool of ['k6', 'locust', 'ab', 'native'] as const) {
        let thrown: unknown
        try {
          resolveLoadOptions({ ...options, tool } as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown, `${where} with ${JSON.stringify(piece)} (${tool})`).toMatchObject({
          code: 'PERF_INVALID_OPTION',
        })
      }
    }
  })
})

describe('generated locustfile', () => {
  it('is fixed code that reads its request with json.load', () => {
    expect(GENERATED_LOCUSTFILE).not.toContain('pwned')
    expect(GENERATED_LOCUSTFILE).toContain('json.load(spec_file)')
    const spec = JSON.parse(JSON.stringify(locustRequestSpec(hostileOptions().request)))
    expect(spec.headers).toEqual({ 'x-hostile': HOSTILE })
    expect(spec.path).toBe(`${new URL(URL_TEXT).pathname}${new URL(URL_TEXT).search}`)
    expect(Buffer.from(spec.bodyBase64, 'base64').equals(BODY)).toBe(true)
  })
})

describe('k6 load options', () => {
  const shape = (options: Parameters<typeof resolveLoadOptions>[0]) => {
    const { summaryTrendStats, discardResponseBodies, ...rest } = k6LoadOptions(
      resolveLoadOptions(options).shape,
    )
    expect(summaryTrendStats).toContain('p(99)')
    expect(discardResponseBodies).toBe(true)
    return rest
  }
  const url = 'http://127.0.0.1:9/'

  it('maps users and duration to vus and duration', () => {
    expect(shape({ url, users: 3, duration: '1500ms' })).toEqual({ vus: 3, duration: '1500ms' })
  })

  it('maps a ramp-up to a ramp stage and a hold stage', () => {
    expect(shape({ url, users: 4, duration: 10, rampUp: 2 })).toEqual({
      stages: [
        { duration: '2s', target: 4 },
        { duration: '8s', target: 4 },
      ],
    })
  })

  it('maps requests to shared iterations', () => {
    expect(shape({ url, users: 2, requests: 50 })).toEqual({ vus: 2, iterations: 50 })
  })

  it('maps rate to a constant-arrival-rate scenario in whole requests per time unit', () => {
    expect(shape({ url, users: 2, maxUsers: 8, rate: 2.5, duration: 3 })).toEqual({
      scenarios: {
        perfspec: {
          executor: 'constant-arrival-rate',
          rate: 25,
          timeUnit: '10s',
          duration: '3s',
          preAllocatedVUs: 2,
          maxVUs: 8,
        },
      },
    })
  })

  it('maps stages to a ramping-arrival-rate scenario', () => {
    const { scenarios } = shape({ url, users: 1, stages: [{ duration: '1s', target: 10 }] }) as {
      scenarios: { perfspec: Record<string, unknown> }
    }
    expect(scenarios.perfspec).toMatchObject({
      executor: 'ramping-arrival-rate',
      stages: [{ duration: '1s', target: 10 }],
    })
  })
})
