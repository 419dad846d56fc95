import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { K6_JOURNEY_CODE } from '../../../src/adapters/scripts/k6-journey-code.ts'
import {
  K6_JOURNEY_HEADER,
  K6_SPEC_PREFIX,
  k6JourneySpec,
  renderK6JourneyScript,
} from '../../../src/adapters/scripts/k6-journey-script.ts'
import { LOCUST_JOURNEY_CODE } from '../../../src/adapters/scripts/locust-journey-code.ts'
import {
  LOCUST_JOURNEY_HEADER,
  LOCUST_SPEC_PREFIX,
  LOCUST_SPEC_SUFFIX,
  locustJourneySpec,
  renderLocustJourney,
} from '../../../src/adapters/scripts/locust-journey-script.ts'
import type { JourneyStep, LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'
import { seededRandom } from '../../helpers/seeded-random.ts'

const PIECES = ['"', "'", '`', '${', '}', '"""', "'''", '\\', '\n', '\r', '\u2028', '</script>', '#{', '%s']
const MORE = ['{0}', '\u0000', 'é', '☃', ' ', 'x', '{{', '}}', '\\u0027', "r'''", 'globalThis.pwned=1']
const ALL = [...PIECES, ...MORE]

function hostileString(random: () => number, length: number): string {
  return Array.from({ length }, () => ALL[Math.floor(random() * ALL.length)]).join('')
}

/** A header value the wire checks accept: ASCII text, no controls, no space at either end. */
const legalHeader = (text: string) => `<${text.replace(/[^\x21-\x7e]/g, '?')}>`

function journeyOptions(random: () => number): { options: LoadTestOptions; token: string; row: string } {
  const token = legalHeader(hostileString(random, 8))
  const row = hostileString(random, 10)
  const options: LoadTestOptions = {
    url: 'http://127.0.0.1:9/base',
    duration: 1,
    users: 1,
    data: [{ id: row }],
    onStart: [
      {
        name: hostileString(random, 6).replace(/,/g, ';').trim() || 'x',
        method: 'POST',
        path: '/login',
        body: {
          user: `{{user}}${hostileString(random, 5)}`,
          [hostileString(random, 4)]: hostileString(random, 6),
        },
        capture: { token: `json:["${hostileString(random, 4).replace(/[^\w é☃{}$`'#%<>/.=]/g, '_')}"]` },
      },
    ],
    steps: [
      {
        name: 'item',
        path: `/items/${encodeURIComponent(hostileString(random, 6))}/{{iteration}}`,
        headers: { authorization: 'Bearer {{token}}', 'x-fixed': legalHeader(hostileString(random, 6)) },
        body: `{{id}}${hostileString(random, 8)}`,
      },
    ],
  }
  return { options, token, row }
}

/** Runs a rendered k6 journey script in a sandbox standing in for k6's modules; returns the requests. */
function runK6Script(script: string, responses: (url: string) => { status: number; body: string }) {
  const calls: { method: string; url: string; body: unknown; params: { headers: Record<string, string> } }[] =
    []
  const source = script
    .replace(/^import .*$/gm, '')
    .replace('export const options', 'const options')
    .replace('export function setup', 'function setup')
    .replace('export default function', 'main = function')
  class Metric {
    add() {}
  }
  const sandbox = {
    __ENV: {},
    SharedArray: class {
      constructor(_name: string, make: () => unknown[]) {
        // biome-ignore lint/correctness/noConstructorReturn: stands in for k6's SharedArray, an array
        return make()
      }
    },
    Counter: Metric,
    Trend: Metric,
    exec: { vu: { idInTest: 1, tags: {} }, scenario: { iterationInTest: 0 } },
    sleep: () => {},
    encoding: { b64decode: (text: string) => Buffer.from(text, 'base64') },
    http: {
      expectedStatuses: (...codes: unknown[]) => codes,
      request: (method: string, url: string, body: unknown, params: { headers: Record<string, string> }) => {
        calls.push({ method, url, body, params })
        return { ...responses(url), headers: {} }
      },
    },
    main: undefined as undefined | (() => void),
  }
  const context = vm.createContext(sandbox)
  vm.runInContext(`${source}\nthis.main = main`, context)
  sandbox.main?.()
  sandbox.exec.scenario.iterationInTest = 1
  sandbox.main?.()
  return { calls, context: context as Record<string, unknown> }
}

describe('generated k6 journey script', () => {
  it('is fixed code around one JSON literal that holds the journey exactly', () => {
    const { options } = journeyOptions(seededRandom(7))
    const resolved = resolveLoadOptions(options)
    const spec = k6JourneySpec(resolved, resolved.journey!)
    const script = renderK6JourneyScript(spec)
    const start = `${K6_JOURNEY_HEADER}\n${K6_SPEC_PREFIX}`
    expect(script.startsWith(start)).toBe(true)
    expect(script.endsWith(`\n${K6_JOURNEY_CODE}`)).toBe(true)
    const literal = script.slice(start.length, script.length - K6_JOURNEY_CODE.length - 1)
    expect(JSON.parse(literal)).toEqual(JSON.parse(JSON.stringify(spec)))
    expect(K6_JOURNEY_CODE).not.toContain('pwned')
  })

  it('200 fuzzed journeys: templates, captures and data reach the request byte for byte, nothing runs', () => {
    const random = seededRandom(20261201)
    for (let round = 0; round < 200; round++) {
      const { options, token, row } = journeyOptions(random)
      const resolved = resolveLoadOptions(options)
      const login = (options.onStart as JourneyStep[] | undefined)?.[0]
      const capture = (login?.capture ?? {}) as Record<string, string>
      const captureKey = JSON.parse(String(capture.token).slice('json:['.length, -1)) as string
      const script = renderK6JourneyScript(k6JourneySpec(resolved, resolved.journey!))
      const { calls, context } = runK6Script(script, (url) =>
        url.endsWith('/login')
          ? { status: 200, body: JSON.stringify({ [captureKey]: token }) }
          : { status: 200, body: '' },
      )
      expect(context.pwned).toBeUndefined()
      expect(calls.map((call) => call.method)).toEqual(['POST', 'GET', 'GET'])
      const [first, item0, item1] = calls
      const sentBody = JSON.parse(String(first?.body)) as Record<string, unknown>
      const loginBody = login?.body as Record<string, string>
      expect(sentBody.user).toBe(loginBody.user?.replace('{{user}}', '0'))
      const step = options.steps?.[0]
      expect(item0?.url).toBe(
        `http://127.0.0.1:9/base${step?.path?.toString().replace('{{iteration}}', '0')}`,
      )
      expect(item1?.url).toBe(
        `http://127.0.0.1:9/base${step?.path?.toString().replace('{{iteration}}', '1')}`,
      )
      expect(item0?.params.headers.authorization).toBe(`Bearer ${token}`)
      expect(item0?.params.headers['x-fixed']).toBe(step?.headers?.['x-fixed'])
      expect(item0?.body).toBe(String(step?.body).replace('{{id}}', row))
    }
  })
})

// A stand-in `locust` and `gevent` so the generated locustfile can be imported by plain python3.
const STUBS = {
  'locust/__init__.py': [
    'class FastHttpUser: pass',
    'def constant(value): return value',
    'def task(function): return function',
    'class _Hook:',
    '    def add_listener(self, function): return function',
    'class events:',
    '    request = report_to_master = worker_report = init = quit = _Hook()',
  ].join('\n'),
  'locust/runners.py': 'class WorkerRunner: pass',
  'locust/contrib/__init__.py': '',
  'locust/contrib/fasthttp.py': 'class ResponseContextManager: pass',
  'gevent/__init__.py': 'def sleep(seconds): pass',
  'gevent/ssl.py': 'CERT_NONE = 0\ndef create_default_context(**kwargs): return None',
}

describe('generated journey locustfile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfspec-locust-stub-'))
  for (const [file, code] of Object.entries(STUBS)) {
    execFileSync('mkdir', ['-p', path.dirname(path.join(dir, file))])
    writeFileSync(path.join(dir, file), `${code}\n`)
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Imports the locustfiles under one python3 and returns each one's SPEC and number of user classes. */
  function importLocustfiles(codes: string[]): { spec: unknown; classes: number }[] {
    for (const [index, code] of codes.entries()) {
      writeFileSync(path.join(dir, `perfspec_journey_${index}.py`), code)
    }
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import builtins, importlib, json, sys; sys.path.insert(0, sys.argv[1]); out = []\n' +
          'for i in range(int(sys.argv[2])):\n' +
          '    j = importlib.import_module("perfspec_journey_%d" % i)\n' +
          '    out.append({"spec": j.SPEC, "classes": len([k for k in vars(j) if k.startswith("PerfspecJourney")])})\n' +
          'assert not hasattr(builtins, "pwned")\n' +
          'print(json.dumps(out))',
        dir,
        String(codes.length),
      ],
      { encoding: 'utf8' },
    )
    return JSON.parse(out) as { spec: unknown; classes: number }[]
  }

  it('is fixed code around one raw-string JSON literal; Python reads back the journey exactly', () => {
    const random = seededRandom(20261202)
    const specs: unknown[] = []
    const codes: string[] = []
    for (let round = 0; round < 50; round++) {
      const { options } = journeyOptions(random)
      const { steps: _steps, ...rest } = options
      const resolved = resolveLoadOptions({
        ...rest,
        // Per iteration (the default), one user class picks; per user, one class per scenario.
        mix: round % 2 === 0 ? 'per-iteration' : 'per-user',
        scenarios: [
          { name: hostileString(random, 5), weight: 3, steps: options.steps ?? [] },
          { name: 'other', steps: options.steps ?? [] },
        ],
      })
      const spec = locustJourneySpec(resolved.request.url, resolved.journey!)
      const code = renderLocustJourney(spec)
      expect(code.startsWith(`${LOCUST_JOURNEY_HEADER}\n${LOCUST_SPEC_PREFIX}`)).toBe(true)
      expect(code.endsWith(`${LOCUST_SPEC_SUFFIX}\n${LOCUST_JOURNEY_CODE}`)).toBe(true)
      specs.push(JSON.parse(JSON.stringify(spec)))
      codes.push(code)
    }
    const imported = importLocustfiles(codes)
    expect(imported.map((module) => module.spec)).toEqual(specs)
    expect(imported.map((module) => module.classes)).toEqual(
      imported.map((_, round) => (round % 2 === 0 ? 1 : 2)),
    )
  })
})
