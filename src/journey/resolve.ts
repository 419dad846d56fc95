import { requireDurationMs } from '../duration.ts'
import { InvalidOptionError } from '../errors.ts'
import { escapeForMessage, headerNameProblem, headerValueProblem } from '../http-fields.ts'
import { isSecretHeader, REDACTED } from '../redact.ts'
import type {
  CheckResponse,
  HttpMethod,
  JourneyContext,
  JourneyOptions,
  JourneyScenario,
  JourneyStep,
  StepBody,
} from '../types.ts'
import {
  fail,
  isRecord,
  type KnownKeys,
  rejectUnknownKeys,
  requireFunction,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
} from '../validation.ts'
import { type CaptureSource, parseCaptureSource } from './capture-path.ts'
import { parseTemplate } from './template.ts'
import { resolveThink, type ThinkRange } from './think.ts'

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const MAX_WEIGHT = 1_000_000

const STEP_KEYS = {
  name: true,
  method: true,
  path: true,
  headers: true,
  body: true,
  expectStatus: true,
  check: true,
  timeout: true,
  capture: true,
} as const satisfies KnownKeys<JourneyStep>
const SCENARIO_KEYS = {
  name: true,
  weight: true,
  onStart: true,
  steps: true,
  think: true,
} as const satisfies KnownKeys<JourneyScenario>

/** A step's function capture: reads the response, writes `ctx.vars`. */
export type CaptureFunction = (response: CheckResponse, ctx: JourneyContext) => void

/** One step with the run's defaults applied; plain data but for the functions a user gave. */
export interface ResolvedStep {
  /** Endpoint name in results and thresholds. */
  name: string
  method: HttpMethod
  /** The path as written (it may hold `{{var}}` templates), or a function of ctx. '' is the run's url. */
  path: string | ((ctx: JourneyContext) => string)
  /** The run's headers with the step's over them, lower-case names; values may hold templates. */
  headers: Record<string, string>
  /** As given (string fields may hold templates), or a function of ctx; undefined sends no body. */
  body: StepBody | ((ctx: JourneyContext) => StepBody) | undefined
  /** Null means the default: 2xx and 3xx succeed. */
  expectStatus: ReadonlySet<number> | null
  timeoutMs: number
  check?: (response: CheckResponse) => boolean
  /** Declarative captures by var name, or a function. */
  capture?: Record<string, CaptureSource> | CaptureFunction
}

/** One journey of a run: its users run `onStart` once, then `steps` again and again. */
export interface ResolvedScenario {
  name: string
  weight: number
  onStart: ResolvedStep[]
  steps: ResolvedStep[]
  think: ThinkRange
}

/** The journey of a run (`steps`, or a weighted mix of `scenarios`), resolved and validated. */
export interface ResolvedJourney {
  scenarios: ResolvedScenario[]
  data?: readonly Record<string, unknown>[]
  setup?: () => unknown
  teardown?: (setup: unknown) => unknown
}

/** The run-level values every step takes as its defaults. */
export interface StepDefaults {
  method: HttpMethod
  /** Resolved: lower-case names, checked values. */
  headers: Record<string, string>
  body: StepBody | undefined
  expectStatus: ReadonlySet<number> | null
  timeoutMs: number
  check: ((response: CheckResponse) => boolean) | undefined
}

/** The single-journey form (`steps`) reports as this scenario. */
export const DEFAULT_SCENARIO = 'default'

/** Step fields that hold functions: they cannot travel to worker threads. */
export function functionFieldsOf(journey: ResolvedJourney): string[] {
  const fields: string[] = []
  journey.scenarios.forEach((scenario, index) => {
    const where =
      journey.scenarios.length === 1 && scenario.name === DEFAULT_SCENARIO ? '' : `scenarios[${index}].`
    for (const [list, steps] of [
      ['onStart', scenario.onStart],
      ['steps', scenario.steps],
    ] as const) {
      steps.forEach((step, stepIndex) => {
        for (const field of ['path', 'body', 'check', 'capture'] as const) {
          if (typeof step[field] === 'function') fields.push(`${where}${list}[${stepIndex}].${field}`)
        }
      })
    }
  })
  return fields
}

function resolveStepHeaders(
  option: string,
  value: unknown,
  defaults: Record<string, string>,
): Record<string, string> {
  const headers = { ...defaults }
  if (value === undefined) return headers
  const given = requireObject(option, value, 'an object of header names to string values')
  for (const [name, headerValue] of Object.entries(given)) {
    const nameProblem = headerNameProblem(name)
    if (nameProblem !== undefined) fail(option, nameProblem, escapeForMessage(name))
    if (typeof headerValue !== 'string') fail(`${option}.${name}`, 'a string', headerValue)
    // A template's rendered value is checked again when it is sent.
    const valueProblem = headerValueProblem(headerValue)
    if (valueProblem !== undefined) {
      fail(`${option}.${name}`, valueProblem, isSecretHeader(name) ? REDACTED : escapeForMessage(headerValue))
    }
    headers[name.toLowerCase()] = headerValue
  }
  return headers
}

function resolveExpectStatus(option: string, value: unknown): ReadonlySet<number> | null {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) fail(option, 'a status code or a non-empty list of them', value)
  for (const code of list) requireInteger(option, code, 100, 599)
  return new Set(list as number[])
}

function resolvePath(option: string, value: unknown): ResolvedStep['path'] {
  if (value === undefined) return ''
  if (typeof value === 'function') return value as ResolvedStep['path']
  if (typeof value !== 'string') fail(option, "a path string ('/items/{{id}}') or a function of ctx", value)
  if (value !== '' && !value.startsWith('/') && !value.startsWith('?')) {
    fail(option, "a path that starts with '/' or '?' (it is resolved against `url`)", value)
  }
  if (/[\0-\x20\x7f]/.test(value))
    fail(option, 'a path without spaces or control characters', escapeForMessage(value))
  return value
}

function resolveBody(option: string, value: unknown): ResolvedStep['body'] {
  if (value === undefined || typeof value === 'string' || typeof value === 'function') {
    return value as ResolvedStep['body']
  }
  if (value instanceof Uint8Array || Array.isArray(value) || isRecord(value)) return value as StepBody
  return fail(option, 'a string, Buffer, object, array or a function of ctx', value)
}

function resolveCapture(option: string, value: unknown): ResolvedStep['capture'] {
  if (value === undefined) return undefined
  if (typeof value === 'function') return value as CaptureFunction
  const given = requireObject(
    option,
    value,
    "an object of var names to 'json:path' or 'header:name', or a function",
  )
  const captures: Record<string, CaptureSource> = {}
  for (const [name, expression] of Object.entries(given)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name))
      fail(option, 'var names that are identifiers (letters, digits, _ and $)', name)
    const source = typeof expression === 'string' ? parseCaptureSource(expression) : undefined
    if (source === undefined)
      fail(`${option}.${name}`, "'json:path.to[0].field' or 'header:name'", expression)
    captures[name] = source
  }
  return captures
}

function defaultStepName(method: HttpMethod, path: ResolvedStep['path']): string {
  return `${method} ${typeof path === 'function' ? '(function)' : path || '/'}`
}

function resolveStep(option: string, value: unknown, defaults: StepDefaults): ResolvedStep {
  const step = requireObject(option, value, 'a step object { name?, method?, path?, … }')
  rejectUnknownKeys(step, STEP_KEYS, `${option}.`)
  const method =
    step['method'] === undefined ? defaults.method : requireOneOf(`${option}.method`, step['method'], METHODS)
  const path = resolvePath(`${option}.path`, step['path'])
  const body = step['body'] === undefined ? defaults.body : resolveBody(`${option}.body`, step['body'])
  const headers = resolveStepHeaders(`${option}.headers`, step['headers'], defaults.headers)
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    // An object body goes out as JSON; a function's value is only known at send time, and is JSON unless a string.
    headers['content-type'] ??= 'application/json'
  }
  const resolved: ResolvedStep = {
    name:
      step['name'] === undefined
        ? defaultStepName(method, path)
        : requireString(`${option}.name`, step['name']),
    method,
    path,
    headers,
    body,
    expectStatus:
      step['expectStatus'] === undefined
        ? defaults.expectStatus
        : resolveExpectStatus(`${option}.expectStatus`, step['expectStatus']),
    timeoutMs:
      step['timeout'] === undefined
        ? defaults.timeoutMs
        : requireDurationMs(`${option}.timeout`, step['timeout']),
  }
  const check =
    step['check'] === undefined
      ? defaults.check
      : requireFunction<NonNullable<ResolvedStep['check']>>(`${option}.check`, step['check'])
  if (check !== undefined) resolved.check = check
  const capture = resolveCapture(`${option}.capture`, step['capture'])
  if (capture !== undefined) resolved.capture = capture
  return resolved
}

function resolveSteps(
  option: string,
  value: unknown,
  defaults: StepDefaults,
  allowEmpty: boolean,
): ResolvedStep[] {
  if (value === undefined && allowEmpty) return []
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    fail(option, allowEmpty ? 'an array of steps' : 'a non-empty array of steps', value)
  }
  return value.map((step, index) => resolveStep(`${option}[${index}]`, step, defaults))
}

function resolveScenario(
  option: string,
  value: unknown,
  defaults: StepDefaults,
  run: { onStart: unknown; think: ThinkRange },
): ResolvedScenario {
  const scenario = requireObject(
    option,
    value,
    'a scenario object { name, weight?, steps, onStart?, think? }',
  )
  rejectUnknownKeys(scenario, SCENARIO_KEYS, `${option}.`)
  return {
    name: requireString(`${option}.name`, scenario['name']),
    weight:
      scenario['weight'] === undefined
        ? 1
        : requireInteger(`${option}.weight`, scenario['weight'], 1, MAX_WEIGHT),
    // A scenario's own onStart replaces the run's.
    onStart:
      scenario['onStart'] === undefined
        ? resolveSteps('onStart', run.onStart, defaults, true)
        : resolveSteps(`${option}.onStart`, scenario['onStart'], defaults, true),
    steps: resolveSteps(`${option}.steps`, scenario['steps'], defaults, false),
    think: scenario['think'] === undefined ? run.think : resolveThink(`${option}.think`, scenario['think']),
  }
}

function resolveData(value: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0) fail('data', 'a non-empty array of row objects', value)
  for (const [index, row] of value.entries()) {
    requireObject(`data[${index}]`, row, 'a row object of var names to values')
  }
  return value as Record<string, unknown>[]
}

const JOURNEY_ONLY = ['setup', 'teardown', 'data', 'onStart', 'think'] as const

/**
 * Validates and resolves the journey options (`steps` or `scenarios`, with `onStart`, `data`, `setup`,
 * `teardown`, `think`); undefined when the run has no journey. Every problem is an InvalidOptionError naming
 * the option (`scenarios[1].steps[0].capture.token`), before any request is sent.
 */
export function resolveJourney(options: JourneyOptions, defaults: StepDefaults): ResolvedJourney | undefined {
  const { steps, scenarios } = options
  if (steps === undefined && scenarios === undefined) {
    for (const key of JOURNEY_ONLY) {
      if (options[key] !== undefined) {
        throw new InvalidOptionError(
          key,
          `The \`${key}\` option belongs to a journey: give \`steps\` or \`scenarios\` too`,
        )
      }
    }
    return undefined
  }
  if (steps !== undefined && scenarios !== undefined) {
    throw new InvalidOptionError(
      'steps',
      'Use either `steps` (one journey) or `scenarios` (a weighted mix), not both',
    )
  }
  const think = options.think === undefined ? { minMs: 0, maxMs: 0 } : resolveThink('think', options.think)
  let resolvedScenarios: ResolvedScenario[]
  if (steps !== undefined) {
    resolvedScenarios = [
      {
        name: DEFAULT_SCENARIO,
        weight: 1,
        onStart: resolveSteps('onStart', options.onStart, defaults, true),
        steps: resolveSteps('steps', steps, defaults, false),
        think,
      },
    ]
  } else {
    if (!Array.isArray(scenarios) || scenarios.length === 0) {
      fail('scenarios', 'a non-empty array of { name, weight?, steps }', scenarios)
    }
    resolvedScenarios = scenarios.map((scenario, index) =>
      resolveScenario(`scenarios[${index}]`, scenario, defaults, { onStart: options.onStart, think }),
    )
    const seen = new Set<string>()
    resolvedScenarios.forEach((scenario, index) => {
      if (seen.has(scenario.name))
        fail(`scenarios[${index}].name`, 'a name no other scenario has', scenario.name)
      seen.add(scenario.name)
    })
  }
  const journey: ResolvedJourney = { scenarios: resolvedScenarios }
  if (options.data !== undefined) journey.data = resolveData(options.data)
  if (options.setup !== undefined) journey.setup = requireFunction('setup', options.setup)
  if (options.teardown !== undefined) journey.teardown = requireFunction('teardown', options.teardown)
  return journey
}

/** Every endpoint (step name) of a journey, in order of first appearance. */
export function endpointNamesOf(journey: ResolvedJourney): string[] {
  const names = new Set<string>()
  for (const scenario of journey.scenarios) {
    for (const step of [...scenario.onStart, ...scenario.steps]) names.add(step.name)
  }
  return [...names]
}

/** True when a path holds `{{var}}` templates (a function path counts as dynamic too). */
export function isDynamicPath(path: ResolvedStep['path']): boolean {
  return typeof path === 'function' || parseTemplate(path).vars.length > 0
}

/**
 * The endpoint and scenario names a run's journey will have, or undefined when it has none (or its options
 * are invalid: resolving them reports that).
 */
export function journeyNamesOf(
  options: JourneyOptions & { method?: unknown },
): { endpoints: string[]; scenarios: string[] } | undefined {
  try {
    const method = METHODS.includes(options.method as HttpMethod) ? (options.method as HttpMethod) : 'GET'
    const journey = resolveJourney(options, {
      method,
      headers: {},
      body: undefined,
      expectStatus: null,
      timeoutMs: 1000,
      check: undefined,
    })
    if (journey === undefined) return undefined
    return {
      endpoints: endpointNamesOf(journey),
      scenarios: journey.scenarios.map((scenario) => scenario.name),
    }
  } catch {
    return undefined
  }
}
