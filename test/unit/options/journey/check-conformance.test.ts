import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { K6Adapter } from '../../../../src/adapters/k6.ts'
import { scriptJourney } from '../../../../src/adapters/scripts/journey-spec.ts'
import { K6_CAPTURE_CODE, K6_CHECK_CODE } from '../../../../src/adapters/scripts/k6-journey-code.ts'
import {
  LOCUST_CAPTURE_CODE,
  LOCUST_CHECK_CODE,
} from '../../../../src/adapters/scripts/locust-journey-code.ts'
import { LOCUST_JOURNEY_HEADER } from '../../../../src/adapters/scripts/locust-journey-script.ts'
import { checkResponseOf } from '../../../../src/engine/record.ts'
import type { StepCheck } from '../../../../src/foundation/types.ts'
import {
  checkPasses,
  type ResolvedCheck,
  undecodedBody,
} from '../../../../src/options/journey/step-checks.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { describeWithTool } from '../../../helpers/tools.ts'

// One table, three implementations of a step's named check: the native engine (TypeScript), the generated k6
// script (JavaScript) and the generated locustfile (Python). Each must give every case the table's verdict.

interface CheckCase {
  name: string
  status?: number
  headers?: Record<string, string>
  json?: unknown
  body?: string
  failed?: true
  check: StepCheck
  passes: boolean
}

const CASES = (
  JSON.parse(readFileSync(new URL('../../../fixtures/step-checks.json', import.meta.url), 'utf8')) as {
    cases: CheckCase[]
  }
).cases

const bodyOf = (item: CheckCase): string =>
  item.body ?? (item.json === undefined ? '' : JSON.stringify(item.json))

/** The case's check as loadTest resolves it, and as a generated script carries it (the same data). */
function resolved(item: CheckCase): { native: ResolvedCheck; script: ResolvedCheck } {
  const options = resolveLoadOptions({
    url: 'http://127.0.0.1:9/',
    duration: 1,
    steps: [{ path: '/', checks: { [item.name]: item.check } }],
  })
  const journey = options.journey!
  return {
    native: journey.scenarios[0]!.steps[0]!.checks![0]!,
    script: scriptJourney(options.request.url, journey).scenarios[0]!.steps[0]!.checks[0]!,
  }
}

/** What a script is given for one case: its check, and the response as that tool sees it. */
interface ScriptCase {
  check: ResolvedCheck
  status: number
  headers: Record<string, string> | null
  body: string | null
}

function scriptCases(canonicalHeaders: boolean): ScriptCase[] {
  return CASES.map((item) => {
    const headers = Object.fromEntries(
      Object.entries(item.headers ?? {}).map(([name, value]) => [
        // k6 writes header names canonically (X-Session): its reader folds case.
        canonicalHeaders
          ? name.replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase())
          : name,
        value,
      ]),
    )
    return item.failed
      ? { check: resolved(item).script, status: 0, headers: null, body: null }
      : { check: resolved(item).script, status: item.status ?? 200, headers, body: bodyOf(item) }
  })
}

function expectTable(verdicts: boolean[]): void {
  const got = CASES.map((item, index) => ({ case: item.name, passes: verdicts[index] }))
  expect(got).toEqual(CASES.map((item) => ({ case: item.name, passes: item.passes })))
}

const K6_DRIVER = `
function runCases(cases) {
  return JSON.stringify(cases.map(function (item) {
    const response = { status: item.status, headers: item.headers || {}, body: item.body }
    return checkPasses(item.check, response, { read: false, ok: false, value: undefined })
  }))
}
`

const PYTHON_DRIVER = `
import sys


class Headers(dict):
    # Locust's response headers: looked up in any case.
    def get(self, name, default=None):
        for key, value in self.items():
            if key.lower() == name.lower():
                return value
        return default


out = []
for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    headers = None if case["headers"] is None else Headers(case["headers"])
    out.append(check_passes(case["check"], case["status"], headers, case["body"], {"value": None}))
sys.stdout.write(json.dumps(out))
`

const PYTHON = '/usr/bin/python3'

describe('named checks: one table, three implementations (test/fixtures/step-checks.json)', () => {
  it('the table is well formed: unique names, a verdict each, every kind of check', () => {
    expect(new Set(CASES.map((item) => item.name)).size).toBe(CASES.length)
    for (const item of CASES) expect(typeof item.passes, item.name).toBe('boolean')
    const kinds = new Set(CASES.map((item) => resolved(item).native.kind))
    expect([...kinds].sort()).toEqual(['body', 'header', 'json', 'status'])
  })

  it('native engine (TypeScript): resolving, then checkPasses on the response as the engine reads it', () => {
    const verdicts = CASES.map((item) => {
      const response = item.failed
        ? checkResponseOf(0, null, null)
        : checkResponseOf(item.status ?? 200, Object.entries(item.headers ?? {}).flat(), [
            Buffer.from(bodyOf(item)),
          ])
      return checkPasses(resolved(item).native, response, undecodedBody())
    })
    expectTable(verdicts)
  })

  it('generated k6 script (JavaScript, in node:vm)', () => {
    const context = vm.createContext({})
    vm.runInContext(`${K6_CAPTURE_CODE}\n${K6_CHECK_CODE}\n${K6_DRIVER}`, context)
    const run = context['runCases'] as (cases: ScriptCase[]) => string
    const input = vm.runInContext(`(${JSON.stringify(scriptCases(true))})`, context)
    expectTable(JSON.parse(run(input)) as boolean[])
  })

  it(`generated locustfile (Python, ${PYTHON}, the header's imports)`, () => {
    const imports = LOCUST_JOURNEY_HEADER.split('\n').filter((line) => /^import (?!gevent)\w+$/.test(line))
    const program = `${imports.join('\n')}\n${LOCUST_CAPTURE_CODE}\n${LOCUST_CHECK_CODE}\n${PYTHON_DRIVER}`
    const out = execFileSync(PYTHON, ['-c', program], {
      input: JSON.stringify(scriptCases(false)),
      encoding: 'utf8',
    })
    expectTable(JSON.parse(out) as boolean[])
  })
})

await describeWithTool(new K6Adapter(), 'named checks in the real k6 (goja)', () => {
  it('one script runs the whole table: the same verdicts as the table', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfspec-checks-k6-'))
    try {
      const outFile = path.join(dir, 'verdicts.json')
      const script = [
        K6_CAPTURE_CODE,
        K6_CHECK_CODE,
        K6_DRIVER,
        `const cases = ${JSON.stringify(scriptCases(true))}`,
        'export const options = { vus: 1, iterations: 1 }',
        'export default function () {}',
        `export function handleSummary() { return { ${JSON.stringify(outFile)}: runCases(cases) } }`,
      ].join('\n')
      writeFileSync(path.join(dir, 'checks.js'), script)
      execFileSync(
        process.env['PERFSPEC_K6'] ?? 'k6',
        ['run', '--quiet', '--no-color', '--no-usage-report', 'checks.js'],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 25_000 },
      )
      expectTable(JSON.parse(readFileSync(outFile, 'utf8')) as boolean[])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
