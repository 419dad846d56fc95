import type { HttpMethod, VuRequestOptions } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { headerNameProblem, renderedHeaderValueProblem, trimHeaderValue } from '../../options/http-fields.ts'
import { METHODS, requireStatusList } from '../../options/request.ts'
import { isRecord } from '../../options/validate.ts'
import { normalizeTarget, StepPrepareError } from './compile-step.ts'
import type { JourneyTransport } from './connection.ts'
import type { WireCache } from './wire-cache.ts'

/** A code iteration's request, checked and built for its transport, before it is queued on its user. */
export interface PreparedRequest {
  /** The endpoint it is recorded on. */
  name: string
  method: HttpMethod
  /** The path as the code gave it (the endpoint's path). */
  path: string
  wire: unknown
  expectStatus: ReadonlySet<number> | null
}

/** What every request of a code iteration starts from: the run's url, headers and expected statuses. */
export interface RequestDefaults {
  base: URL
  headers: Readonly<Record<string, string>>
  expectStatus: ReadonlySet<number> | null
  transport: JourneyTransport
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'headers',
  'json',
  'body',
  'form',
  'name',
  'tags',
  'expectStatus',
])

const NO_OPTIONS: VuRequestOptions = Object.freeze({})

function problem(message: string): never {
  throw new StepPrepareError('step_function', message)
}

/** The endpoint a request is recorded on: its `name`, its `name` tag, or METHOD and path as given. */
export function requestName(method: string, path: unknown, options: VuRequestOptions | undefined): string {
  return namedIn(options) ?? unnamedEndpoint(method, path)
}

/** The endpoint a request names: its `name`, or its `name` tag; undefined when it names none. */
function namedIn(options: VuRequestOptions | undefined): string | undefined {
  const name = options?.name ?? options?.tags?.['name']
  return typeof name === 'string' && name !== '' ? name : undefined
}

function unnamedEndpoint(method: string, path: unknown): string {
  return `${method} ${typeof path === 'string' && path !== '' ? path : '/'}`
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : typeof value
}

function bodyOf(options: VuRequestOptions, headers: Record<string, string>): Buffer | undefined {
  const given = (['json', 'body', 'form'] as const).filter((key) => options[key] !== undefined)
  if (given.length > 1) problem(`one of \`json\`, \`body\` or \`form\`, not ${given.join(' and ')}`)
  if (options.json !== undefined) {
    let text: string | undefined
    try {
      text = JSON.stringify(options.json)
    } catch (error) {
      problem(`\`json\` cannot be sent as JSON (${(error as Error).message})`)
    }
    if (text === undefined) problem(`\`json\` cannot be sent as JSON (${typeof options.json})`)
    headers['content-type'] ??= 'application/json'
    return Buffer.from(text)
  }
  if (options.form !== undefined) {
    if (!isRecord(options.form)) problem(`\`form\` is an object of field names to values`)
    const fields = new URLSearchParams()
    for (const [key, value] of Object.entries(options.form)) {
      // String() would send an array as "a,b" and an object as "[object Object]": say so instead
      if (!['string', 'number', 'boolean'].includes(typeof value))
        problem(`form field ${key}: expected a string, a number or a boolean, got ${describeValue(value)}`)
      fields.append(key, String(value))
    }
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    return Buffer.from(fields.toString())
  }
  const { body } = options
  if (body === undefined) return undefined
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body)
  return problem(`\`body\` is a string or bytes (an object goes as \`json\`)`)
}

function headersOf(options: VuRequestOptions, defaults: RequestDefaults): Record<string, string> {
  const headers: Record<string, string> = { ...defaults.headers }
  if (options.headers === undefined) return headers
  if (!isRecord(options.headers)) problem(`\`headers\` is an object of names to string values`)
  for (const [name, given] of Object.entries(options.headers)) {
    const nameProblem = headerNameProblem(name)
    if (nameProblem !== undefined) problem(`header ${JSON.stringify(name)}: expected ${nameProblem}`)
    if (typeof given !== 'string') problem(`header ${name}: expected a string, got ${typeof given}`)
    const value = trimHeaderValue(given)
    const valueProblem = renderedHeaderValueProblem(value)
    if (valueProblem !== undefined) problem(`header ${name}: expected ${valueProblem}`)
    setOwn(headers, name.toLowerCase(), value)
  }
  return headers
}

/**
 * Checks and builds one request of a code iteration. What the code got wrong (a path without a leading
 * `/`, an unknown option, two bodies, a header value with CR/LF) is a StepPrepareError: never sent. A
 * request without a body is built once per method, path and headers (`wires`).
 */
export function prepareRequest(
  method: unknown,
  path: unknown,
  given: VuRequestOptions | undefined,
  defaults: RequestDefaults,
  wires: WireCache,
): PreparedRequest {
  if (!METHODS.includes(method as HttpMethod)) problem(`the method is one of ${METHODS.join(', ')}`)
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/') && !path.startsWith('?')))
    problem(`the path is a string starting with '/' or '?' (it is resolved against \`url\`)`)
  const options = given ?? NO_OPTIONS
  if (given !== undefined) {
    if (!isRecord(options)) problem(`the options are an object { headers, json, … }`)
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) problem(`unknown option \`${key}\` (${[...OPTION_KEYS].join(', ')})`)
    }
  }
  let expectStatus = defaults.expectStatus
  if (options.expectStatus !== undefined) {
    try {
      expectStatus = requireStatusList('expectStatus', options.expectStatus)
    } catch (error) {
      problem((error as Error).message)
    }
  }
  const key =
    options.json === undefined && options.body === undefined && options.form === undefined
      ? wires.keyOf(method as string, options.headers)
      : undefined
  let built = key === undefined ? undefined : wires.get(path, key)
  if (built === undefined) {
    const headers = headersOf(options, defaults)
    const body = bodyOf(options, headers)
    const target = normalizeTarget(defaults.base, path, 'step_function')
    const wire = defaults.transport.build({ method: method as HttpMethod, target, headers, body })
    built = { wire, unnamed: unnamedEndpoint(method as string, path) }
    if (key !== undefined) wires.set(path, key, built)
  }
  return {
    name: namedIn(options) ?? built.unnamed,
    method: method as HttpMethod,
    path,
    wire: built.wire,
    expectStatus,
  }
}
