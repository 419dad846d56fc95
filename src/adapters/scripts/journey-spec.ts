import { UnsupportedOptionError } from '../../foundation/errors.ts'
import type { HttpMethod, ScenarioMix } from '../../foundation/types.ts'
import { utf8HeaderProblem } from '../../options/http-fields.ts'
import type { PathSegment } from '../../options/journey/capture-path.ts'
import {
  functionFieldsOf,
  type ResolvedJourney,
  type ResolvedScenario,
  type ResolvedStep,
} from '../../options/journey/resolve.ts'
import type { ResolvedCheck } from '../../options/journey/step-checks.ts'
import { parseTemplate, type Template } from '../../options/journey/template.ts'
import type { ThinkRange } from '../../options/journey/think.ts'

/** A step's body as a script sends it: none, fixed bytes, or a template (JSON-escaped vars for a JSON body). */
export type ScriptBody =
  | { kind: 'none' }
  | { kind: 'bytes'; base64: string }
  | { kind: 'template'; template: Template; json: boolean }

/** A declarative capture as a script runs it. */
export type ScriptCapture =
  | { var: string; from: 'json'; path: PathSegment[] }
  | { var: string; from: 'header'; name: string }

/** One step of a generated script: plain data (templates pre-split), no functions. */
export interface ScriptStep {
  name: string
  method: HttpMethod
  /** The path as written (the endpoint's `path` in results). */
  pathText: string
  path: Template
  /** Lower-case names; values are templates. */
  headers: [string, Template][]
  body: ScriptBody
  /** Null means the default: 2xx and 3xx succeed. */
  expectStatus: number[] | null
  timeoutMs: number
  captures: ScriptCapture[]
  /** Named checks, as the native engine runs them (plain data). */
  checks: ResolvedCheck[]
}

export interface ScriptScenario {
  name: string
  weight: number
  /** Scenarios of one slot share an `onStart`: a user runs it once (ResolvedScenario.onStartSlot). */
  onStartSlot: number
  onStart: ScriptStep[]
  steps: ScriptStep[]
  think: ThinkRange
}

/** What a generated k6 script or locustfile runs: every value of the journey, as JSON data. */
export interface ScriptJourney {
  /** The run's origin (`http://host:port`); the scripts let the environment point it elsewhere. */
  origin: string
  /** The url's path and query: where a step with path `''` goes. */
  urlPath: string
  /** The url's path: a step's path that starts with `?` is appended to it. */
  pathname: string
  /** The url's path without a trailing slash: any other step path is appended to it. */
  basePath: string
  scenarios: ScriptScenario[]
  /** How the scenarios share the load by weight: each iteration picks (round robin), or each user keeps one. */
  mix: ScenarioMix
  data: Record<string, unknown>[]
  /** What `setup` returned (JSON), passed to the script as data. */
  setup: unknown
}

/** The url paths are appended to: origin and path without a trailing slash (a query stays with `''`). */
export function pathBase(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function scriptBody(body: ResolvedStep['body']): ScriptBody {
  if (body === undefined) return { kind: 'none' }
  if (body instanceof Uint8Array) return { kind: 'bytes', base64: Buffer.from(body).toString('base64') }
  if (typeof body === 'string') return { kind: 'template', template: parseTemplate(body), json: false }
  // Vars are identifiers, so JSON.stringify leaves every `{{var}}` intact; their values are JSON-escaped.
  return { kind: 'template', template: parseTemplate(JSON.stringify(body)), json: true }
}

function scriptStep(step: ResolvedStep): ScriptStep {
  if (
    typeof step.path === 'function' ||
    typeof step.body === 'function' ||
    typeof step.capture === 'function'
  )
    throw new Error('a step with functions reached the script builder') // assertScriptable runs first
  const captures: ScriptCapture[] = Object.entries(step.capture ?? {}).map(([name, source]) =>
    source.from === 'json'
      ? { var: name, from: 'json', path: source.path }
      : { var: name, from: 'header', name: source.name },
  )
  return {
    name: step.name,
    method: step.method,
    pathText: step.path,
    path: parseTemplate(step.path),
    headers: Object.entries(step.headers).map(([name, value]) => [name, parseTemplate(value)]),
    body: scriptBody(step.body),
    expectStatus: step.expectStatus === null ? null : [...step.expectStatus],
    timeoutMs: step.timeoutMs,
    captures,
    checks: step.checks ?? [],
  }
}

function scriptScenario(scenario: ResolvedScenario): ScriptScenario {
  return {
    name: scenario.name,
    weight: scenario.weight,
    onStartSlot: scenario.onStartSlot,
    onStart: scenario.onStart.map(scriptStep),
    steps: scenario.steps.map(scriptStep),
    think: scenario.think,
  }
}

/** Every step of a journey with the option name that points at it (`scenarios[1].steps[0]`). */
export function stepsWithOptions(journey: ResolvedJourney): [string, ResolvedStep][] {
  const single = journey.scenarios.length === 1 && journey.scenarios[0]?.name === 'default'
  return journey.scenarios.flatMap((scenario, index) => {
    const where = single ? '' : `scenarios[${index}].`
    return [
      ...scenario.onStart.map((step, at): [string, ResolvedStep] => [`${where}onStart[${at}]`, step]),
      ...scenario.steps.map((step, at): [string, ResolvedStep] => [`${where}steps[${at}]`, step]),
    ]
  })
}

/**
 * Throws UnsupportedOptionError for a journey a generated script cannot run: a function field (it would have
 * to become code), or a header value a UTF-8 sender would mangle.
 */
export function assertScriptable(tool: string, journey: ResolvedJourney): void {
  const [field] = functionFieldsOf(journey)
  if (field !== undefined) {
    throw new UnsupportedOptionError(
      tool,
      field,
      'functions run only in the native engine; use templates ({{var}}) and declarative captures',
    )
  }
  for (const [option, step] of stepsWithOptions(journey)) {
    const problem = utf8HeaderProblem(step.headers)
    if (problem !== undefined)
      throw new UnsupportedOptionError(tool, `${option}.${problem.option}`, problem.why)
  }
}

/** The data half of a generated journey script (validated with assertScriptable). */
export function scriptJourney(url: URL, journey: ResolvedJourney, setup?: unknown): ScriptJourney {
  return {
    origin: url.origin,
    urlPath: `${url.pathname}${url.search}`,
    pathname: url.pathname,
    basePath: url.pathname.replace(/\/$/, ''),
    scenarios: journey.scenarios.map(scriptScenario),
    mix: journey.mix,
    data: journey.data === undefined ? [] : [...journey.data],
    setup: setup === undefined ? null : setup,
  }
}

/** Step name → its method and path as written, for the endpoints of a tool's results. */
export function knownEndpoints(journey: ResolvedJourney): Map<string, { method: HttpMethod; path: string }> {
  const known = new Map<string, { method: HttpMethod; path: string }>()
  for (const [, step] of stepsWithOptions(journey)) {
    if (!known.has(step.name))
      known.set(step.name, {
        method: step.method,
        path: typeof step.path === 'string' ? step.path : '(function)',
      })
  }
  return known
}

/** The check names of a journey: by step name and by scenario (each name once), as the scripts tag them. */
export function knownChecks(journey: ResolvedJourney): {
  byStep: Map<string, string[]>
  byScenario: Map<string, string[]>
} {
  const byStep = new Map<string, Set<string>>()
  const byScenario = new Map<string, Set<string>>()
  const add = (map: Map<string, Set<string>>, key: string, name: string): void => {
    const names = map.get(key) ?? new Set<string>()
    names.add(name)
    map.set(key, names)
  }
  for (const scenario of journey.scenarios) {
    for (const step of [...scenario.onStart, ...scenario.steps]) {
      for (const check of step.checks ?? []) {
        add(byStep, step.name, check.name)
        add(byScenario, scenario.name, check.name)
      }
    }
  }
  const lists = (map: Map<string, Set<string>>) => new Map([...map].map(([key, names]) => [key, [...names]]))
  return { byStep: lists(byStep), byScenario: lists(byScenario) }
}
