import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { K6Adapter } from '../../../../src/adapters/k6.ts'
import { type ScriptCapture, scriptJourney } from '../../../../src/adapters/scripts/journey-spec.ts'
import { K6_CAPTURE_CODE } from '../../../../src/adapters/scripts/k6-journey-code.ts'
import { LOCUST_CAPTURE_CODE } from '../../../../src/adapters/scripts/locust-journey-code.ts'
import { LOCUST_JOURNEY_HEADER } from '../../../../src/adapters/scripts/locust-journey-script.ts'
import { runCaptures } from '../../../../src/engine/journey/capture.ts'
import { PerfError } from '../../../../src/foundation/errors.ts'
import type { CaptureSource } from '../../../../src/options/journey/capture-path.ts'
import { lookupVar } from '../../../../src/options/journey/template.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { describeWithTool } from '../../../helpers/tools.ts'

// One table, three implementations of a JSON capture: the native engine (TypeScript), the generated k6
// script (JavaScript) and the generated locustfile (Python). Each must give every case the table's outcome.

interface CaptureCase {
  name: string
  json?: unknown
  body?: string
  path: string
  var?: string
  text?: string
  noMatch?: true
  refused?: string
}

type Outcome = { text: string } | { noMatch: true } | { refused: string }

/** What a script runs for one case: the body text and the captures its spec carries. */
interface ScriptCase {
  body: string
  var: string
  captures: ScriptCapture[]
}

const TABLE = JSON.parse(
  readFileSync(new URL('../../../fixtures/capture-paths.json', import.meta.url), 'utf8'),
) as { cases: CaptureCase[] }
const CASES = TABLE.cases

const bodyOf = (item: CaptureCase) => item.body ?? JSON.stringify(item.json)
const varOf = (item: CaptureCase) => item.var ?? 'v'

function expected(item: CaptureCase): Outcome {
  if (item.text !== undefined) return { text: item.text }
  if (item.refused !== undefined) return { refused: item.refused }
  return { noMatch: true }
}

/** Resolves a case's step as loadTest does: its captures (native and as a script carries them), or the refusal. */
function resolveCase(
  item: CaptureCase,
): { refused: string } | { native: [string, CaptureSource][]; script: ScriptCapture[] } {
  try {
    const options = resolveLoadOptions({
      url: 'http://127.0.0.1:9/',
      duration: 1,
      steps: [{ path: '/', capture: { [varOf(item)]: item.path } }],
    })
    const journey = options.journey!
    const capture = journey.scenarios[0]!.steps[0]!.capture as Record<string, CaptureSource>
    const script = scriptJourney(options.request.url, journey).scenarios[0]!.steps[0]!.captures
    return { native: Object.entries(capture), script }
  } catch (error) {
    // Anything but a PerfError is a bug of its own: it shows in the table as what was thrown.
    return { refused: error instanceof PerfError ? error.code : `untyped: ${String(error)}` }
  }
}

const RESOLVED = CASES.map(resolveCase)
/** The cases that resolve: what the scripts are given (a refused path never reaches a script). */
const SCRIPT_CASES = CASES.flatMap((item, index): { index: number; input: ScriptCase }[] => {
  const resolved = RESOLVED[index]!
  if ('refused' in resolved) return []
  return [{ index, input: { body: bodyOf(item), var: varOf(item), captures: resolved.script } }]
})

/** Outcomes of one implementation for the script cases, put back in table order (refusals from resolving). */
function tableOutcomes(scriptOutcomes: Outcome[]): Outcome[] {
  const outcomes = RESOLVED.map((resolved): Outcome => ('refused' in resolved ? resolved : { noMatch: true }))
  SCRIPT_CASES.forEach(({ index }, at) => {
    outcomes[index] = scriptOutcomes[at]!
  })
  return outcomes
}

/** Compares case by case, so a failure names the case. */
function expectTable(outcomes: Outcome[]): void {
  const got = CASES.map((item, index) => ({ case: item.name, path: item.path, outcome: outcomes[index] }))
  const want = CASES.map((item) => ({ case: item.name, path: item.path, outcome: expected(item) }))
  expect(got).toEqual(want)
}

// The script half of each engine's run: the captures of one step, then the var's text as a template renders it.
const K6_DRIVER = `
function runCases(cases) {
  return JSON.stringify(cases.map(function (item) {
    const vars = {}
    const ok = capture({ captures: item.captures }, { body: item.body, headers: {} }, vars)
    return ok ? { text: textOf(vars[item.var]) } : { noMatch: true }
  }))
}
`

const PYTHON_DRIVER = `
import sys
import types

out = []
for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    into = {}
    response = types.SimpleNamespace(headers={}, text=case["body"])
    if capture({"captures": case["captures"]}, response, into):
        out.append({"text": text_of(into[case["var"]])})
    else:
        out.append({"noMatch": True})
sys.stdout.write(json.dumps(out))
`

// The interpreter Locust runs under (Debian's python3-locust).
const PYTHON = '/usr/bin/python3'

describe('JSON captures: one table, three implementations (test/fixtures/capture-paths.json)', () => {
  it('the table is well formed: each case has exactly one outcome and a unique name', () => {
    for (const item of CASES) {
      const outcomes = [item.text !== undefined, item.noMatch === true, item.refused !== undefined]
      expect(outcomes.filter(Boolean), item.name).toHaveLength(1)
      expect(item.json === undefined || item.body === undefined, item.name).toBe(true)
    }
    expect(new Set(CASES.map((item) => item.name)).size).toBe(CASES.length)
  })

  it('native engine (TypeScript): resolving, runCaptures, then the template text', () => {
    const outcomes = CASES.map((item, index): Outcome => {
      const resolved = RESOLVED[index]!
      if ('refused' in resolved) return resolved
      const ctx = { user: 0, iteration: 0, vars: {}, setup: undefined }
      const response = { status: 200, headers: {}, body: bodyOf(item) }
      const problem = runCaptures({ captures: resolved.native, captureFunction: undefined }, response, ctx)
      if (problem !== undefined) return { noMatch: true }
      return { text: lookupVar(ctx, varOf(item))! }
    })
    expectTable(outcomes)
  })

  it('generated k6 script (JavaScript, in node:vm)', () => {
    const context = vm.createContext({})
    vm.runInContext(`${K6_CAPTURE_CODE}\n${K6_DRIVER}`, context)
    const run = context['runCases'] as (cases: ScriptCase[]) => string
    // Through JSON: the cases enter the sandbox's realm as k6's spec does, as parsed data.
    const input = vm.runInContext(`(${JSON.stringify(SCRIPT_CASES.map((item) => item.input))})`, context)
    expectTable(tableOutcomes(JSON.parse(run(input)) as Outcome[]))
  })

  it(`generated locustfile (Python, ${PYTHON}, the header's imports)`, () => {
    // The header's standard-library imports (not Locust's nor gevent): all the capture code may use.
    const imports = LOCUST_JOURNEY_HEADER.split('\n').filter((line) => /^import (?!gevent)\w+$/.test(line))
    const program = `${imports.join('\n')}\n${LOCUST_CAPTURE_CODE}\n${PYTHON_DRIVER}`
    const out = execFileSync(PYTHON, ['-c', program], {
      input: JSON.stringify(SCRIPT_CASES.map((item) => item.input)),
      encoding: 'utf8',
    })
    expectTable(tableOutcomes(JSON.parse(out) as Outcome[]))
  })
})

await describeWithTool(new K6Adapter(), 'JSON captures in the real k6 (goja)', () => {
  it('one script runs the whole table: the same outcomes as the table', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfspec-capture-k6-'))
    try {
      const outFile = path.join(dir, 'outcomes.json')
      const script = [
        K6_CAPTURE_CODE,
        K6_DRIVER,
        `const cases = ${JSON.stringify(SCRIPT_CASES.map((item) => item.input))}`,
        'export const options = { vus: 1, iterations: 1 }',
        'export default function () {}',
        // handleSummary runs once, after the iteration: it writes the outcomes where the test reads them.
        `export function handleSummary() { return { ${JSON.stringify(outFile)}: runCases(cases) } }`,
      ].join('\n')
      writeFileSync(path.join(dir, 'captures.js'), script)
      execFileSync(
        process.env['PERFSPEC_K6'] ?? 'k6',
        ['run', '--quiet', '--no-color', '--no-usage-report', 'captures.js'],
        // k6's stderr goes into the error when it fails; the timeout bounds a k6 that hangs.
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 25_000 },
      )
      expectTable(tableOutcomes(JSON.parse(readFileSync(outFile, 'utf8')) as Outcome[]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
