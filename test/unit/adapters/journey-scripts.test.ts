import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { K6_JOURNEY_CODE, K6_SCENARIO_ORDER_CODE } from '../../../src/adapters/scripts/k6-journey-code.ts'
import {
  K6_JOURNEY_FILES,
  K6_JOURNEY_HEADER,
  K6_JOURNEY_SOURCES,
  k6Journey,
  renderK6JourneyFiles,
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
import { assignScenarios } from '../../../src/options/journey/scenario-order.ts'
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

/**
 * Runs a rendered k6 journey script in a sandbox standing in for k6's modules (and `open()` for the files
 * beside it); returns the requests of two iterations.
 */
function runK6Script(
  script: string,
  responses: (url: string) => { status: number; body: string },
  files: Record<string, string> = {},
) {
  const calls: { method: string; url: string; body: unknown; params: { headers: Record<string, string> } }[] =
    []
  class Metric {
    add() {}
  }
  const exec = { vu: { idInTest: 1, tags: {} }, scenario: { iterationInTest: 0 } }
  const modules: Record<string, unknown> = {
    k6: { check: () => true, sleep: () => {} },
    'k6/http': {
      expectedStatuses: (...codes: unknown[]) => codes,
      request: (method: string, url: string, body: unknown, params: { headers: Record<string, string> }) => {
        calls.push({ method, url, body, params })
        return { ...responses(url), headers: {} }
      },
    },
    'k6/encoding': { b64decode: (text: string) => Buffer.from(text, 'base64') },
    'k6/execution': exec,
    'k6/data': {
      SharedArray: class {
        constructor(_name: string, make: () => unknown[]) {
          // biome-ignore lint/correctness/noConstructorReturn: stands in for k6's SharedArray, an array
          return make()
        }
      },
    },
    'k6/metrics': { Counter: Metric, Trend: Metric },
  }
  const exports: { default?: () => void } = {}
  const sandbox = {
    __ENV: {},
    require: (name: string) => modules[name],
    open: (file: string) => files[file],
    exports,
  }
  const context = vm.createContext(sandbox)
  vm.runInContext(script, context)
  exports.default?.()
  exec.scenario.iterationInTest = 1
  exports.default?.()
  return { calls, context: context as Record<string, unknown> }
}

describe('generated k6 journey script', () => {
  it('is fixed code; the spec and rows are string literals that parse back to the journey exactly', () => {
    const { options } = journeyOptions(seededRandom(7))
    const resolved = resolveLoadOptions({ ...options, data: [{ id: 'a\u2028"' }, { id: 2 }] })
    const journey = k6Journey(resolved, resolved.journey!)
    const script = renderK6JourneyScript(journey)
    expect(script.startsWith(`${K6_JOURNEY_HEADER}\n`)).toBe(true)
    expect(script.endsWith(K6_JOURNEY_CODE)).toBe(true)
    const source = script.slice(K6_JOURNEY_HEADER.length + 1, script.length - K6_JOURNEY_CODE.length)
    expect(source).toBe(K6_JOURNEY_SOURCES.embedded(journey))
    const read = vm.runInNewContext(`${source}\n;({ spec, rows: rowLines().split('\\n') })`)
    expect(JSON.parse(JSON.stringify(read.spec))).toEqual(JSON.parse(JSON.stringify(journey.spec)))
    expect(read.rows.map((row: string) => JSON.parse(row))).toEqual(journey.rows)
    expect(K6_JOURNEY_CODE).not.toContain('pwned')
  })

  it('for a run, reads the same spec and rows from the files beside it', () => {
    const { options } = journeyOptions(seededRandom(8))
    const resolved = resolveLoadOptions(options)
    const journey = k6Journey(resolved, resolved.journey!)
    const files = renderK6JourneyFiles(journey)
    expect(files.script).toBe(`${K6_JOURNEY_HEADER}\n${K6_JOURNEY_SOURCES.files}${K6_JOURNEY_CODE}`)
    expect(JSON.parse(files.spec)).toEqual(JSON.parse(JSON.stringify(journey.spec)))
    expect(files.rows.split('\n').map((row) => JSON.parse(row))).toEqual(journey.rows)
  })

  it('computes the native engine’s scenario order from the weights, expanding none of them', () => {
    const random = seededRandom(11)
    const order = vm.runInNewContext(`${K6_SCENARIO_ORDER_CODE}\nscenarioOrder`) as (
      weights: number[],
      count: number,
    ) => number[]
    for (let round = 0; round < 50; round++) {
      const weights = Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * 9))
      const count = Math.floor(random() * 60)
      expect([...order(weights, count)]).toEqual(
        assignScenarios(
          weights.map((weight) => ({ weight })),
          count,
        ),
      )
    }
    const lopsided = (mix: 'per-user' | 'per-iteration') => {
      const resolved = resolveLoadOptions({
        url: 'http://127.0.0.1:9/',
        users: 3,
        duration: 1,
        mix,
        scenarios: [
          { name: 'rare', weight: 1, steps: [{ path: '/r' }] },
          { name: 'common', weight: 1_000_000, steps: [{ path: '/c' }] },
        ],
      })
      return k6Journey(resolved, resolved.journey!).spec
    }
    // Per user, a VU is a slot: 3 users need 3, whatever the weights' sum.
    const perUser = lopsided('per-user')
    expect(perUser.split).toBe('user')
    expect(perUser.orderLength).toBe(3)
    // Per iteration, an iteration's index in the test is the slot: the order runs its whole length.
    const perIteration = lopsided('per-iteration')
    expect(perIteration.split).toBe('iteration')
    expect(perIteration.orderLength).toBe(100_000)
    for (const spec of [perUser, perIteration]) expect(JSON.stringify(spec).length).toBeLessThan(5_000)
  })

  it('200 fuzzed journeys: templates, captures and data reach the request byte for byte, nothing runs', () => {
    const random = seededRandom(20261201)
    for (let round = 0; round < 200; round++) {
      const { options, token, row } = journeyOptions(random)
      const resolved = resolveLoadOptions(options)
      const login = (options.onStart as JourneyStep[] | undefined)?.[0]
      const capture = (login?.capture ?? {}) as Record<string, string>
      const captureKey = JSON.parse(String(capture.token).slice('json:['.length, -1)) as string
      const journey = k6Journey(resolved, resolved.journey!)
      const respond = (url: string) =>
        url.endsWith('/login')
          ? { status: 200, body: JSON.stringify({ [captureKey]: token }) }
          : { status: 200, body: '' }
      // Every other round reads the journey from the files a run writes, the others from an export's literals.
      const files = renderK6JourneyFiles(journey)
      const { calls, context } =
        round % 2 === 0
          ? runK6Script(renderK6JourneyScript(journey), respond)
          : runK6Script(files.script, respond, {
              [`./${K6_JOURNEY_FILES.spec}`]: files.spec,
              [`./${K6_JOURNEY_FILES.rows}`]: files.rows,
            })
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
    '    request = report_to_master = worker_report = init = quit = test_start = quitting = _Hook()',
  ].join('\n'),
  'locust/runners.py': 'class WorkerRunner: pass',
  'locust/stats.py': 'class StatsEntry: pass',
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
