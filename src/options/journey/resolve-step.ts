import { isSecretHeader, REDACTED } from '../../foundation/redact.ts'
import type {
  CheckResponse,
  HttpMethod,
  JourneyContext,
  JourneyStep,
  StepBody,
} from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { requireDurationMs } from '../duration.ts'
import { escapeForMessage, headerNameProblem, headerValueProblem } from '../http-fields.ts'
import { METHODS, requireStatusList } from '../request.ts'
import {
  fail,
  isRecord,
  isThenable,
  type KnownKeys,
  rejectUnknownKeys,
  requireObject,
  requireOneOf,
  requireString,
  requireSyncFunction,
} from '../validate.ts'
import { type CaptureSource, parseCaptureSource } from './capture-path.ts'
import { type ResolvedCheck, resolveChecks } from './step-checks.ts'

const STEP_KEYS = {
  name: true,
  method: true,
  path: true,
  headers: true,
  body: true,
  expectStatus: true,
  check: true,
  checks: true,
  timeout: true,
  capture: true,
} as const satisfies KnownKeys<JourneyStep>
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
  /** Named declarative checks: they record a pass or a fail and never fail the request. */
  checks?: ResolvedCheck[]
  /** Declarative captures by var name, or a function. */
  capture?: Record<string, CaptureSource> | CaptureFunction
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
    setOwn(headers, name.toLowerCase(), headerValue)
  }
  return headers
}

function resolvePath(option: string, value: unknown): ResolvedStep['path'] {
  if (value === undefined) return ''
  if (typeof value === 'function') return requireSyncFunction<(ctx: JourneyContext) => string>(option, value)
  if (typeof value !== 'string') fail(option, "a path string ('/items/{{id}}') or a function of ctx", value)
  if (value !== '' && !value.startsWith('/') && !value.startsWith('?')) {
    fail(option, "a path that starts with '/' or '?' (it is resolved against `url`)", value)
  }
  if (/[\0-\x20\x7f]/.test(value))
    fail(option, 'a path without spaces or control characters', escapeForMessage(value))
  return value
}

function resolveBody(option: string, value: unknown): ResolvedStep['body'] {
  if (typeof value === 'function')
    return requireSyncFunction<(ctx: JourneyContext) => StepBody>(option, value)
  if (value === undefined || typeof value === 'string') return value
  if (value instanceof Uint8Array || Array.isArray(value) || (isRecord(value) && !isThenable(value))) {
    return value as StepBody
  }
  return fail(option, 'a string, Buffer, object, array or a function of ctx', value)
}

function resolveCapture(option: string, value: unknown): ResolvedStep['capture'] {
  if (value === undefined) return undefined
  if (typeof value === 'function') return requireSyncFunction<CaptureFunction>(option, value)
  const given = requireObject(
    option,
    value,
    "an object of var names to 'json:path' or 'header:name', or a function",
  )
  const captures: Record<string, CaptureSource> = {}
  for (const [name, expression] of Object.entries(given)) {
    // `__proto__` cannot be a var: writing it into a JavaScript object sets the object's prototype.
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === '__proto__')
      fail(option, 'var names that are identifiers (letters, digits, _ and $), not __proto__', name)
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

/** Validates one step (`option` names it: `steps[0]`) and applies the run's defaults. */
export function resolveStep(option: string, value: unknown, defaults: StepDefaults): ResolvedStep {
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
        : requireStatusList(`${option}.expectStatus`, step['expectStatus']),
    timeoutMs:
      step['timeout'] === undefined
        ? defaults.timeoutMs
        : requireDurationMs(`${option}.timeout`, step['timeout']),
  }
  const check =
    step['check'] === undefined
      ? defaults.check
      : requireSyncFunction<NonNullable<ResolvedStep['check']>>(`${option}.check`, step['check'])
  if (check !== undefined) resolved.check = check
  const checks = resolveChecks(`${option}.checks`, step['checks'])
  if (checks !== undefined) resolved.checks = checks
  const capture = resolveCapture(`${option}.capture`, step['capture'])
  if (capture !== undefined) resolved.capture = capture
  return resolved
}
