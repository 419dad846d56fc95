import type { CheckResponse } from '../../foundation/types.ts'
import { requireStatusList } from '../request.ts'
import { fail, isRecord, requireObject } from '../validate.ts'
import { type PathSegment, parseJsonBody, parseJsonPath, readPath } from './capture-path.ts'

// Conformance: test/fixtures/step-checks.json is one table of checks that this code, the k6 script's
// (K6_CHECK_CODE in src/adapters/scripts/k6-journey-code.ts) and the locustfile's (LOCUST_CHECK_CODE) all
// answer alike.

/** A step's declarative check, resolved: plain data, the same for the native engine and the scripts. */
export type ResolvedCheck =
  | { name: string; kind: 'status'; statuses: number[] }
  | {
      name: string
      kind: 'json'
      path: PathSegment[]
      exists: boolean
      equals?: string | number | boolean
    }
  | { name: string; kind: 'header'; header: string; exists: boolean; equals?: string }
  | { name: string; kind: 'body'; includes: string }

const SUBJECTS = ['status', 'json', 'header', 'bodyIncludes'] as const
const FORM = '{ status }, { json, equals?, exists? }, { header, equals?, exists? } or { bodyIncludes }'
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/

function allowOnly(option: string, given: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (!keys.includes(key)) fail(`${option}.${key}`, `absent: a check is ${FORM}`, given[key])
  }
}

/** `exists` and `equals` of a `json` or `header` check. */
function presence(
  option: string,
  given: Record<string, unknown>,
  isValue: (value: unknown) => boolean,
  expected: string,
): { exists: boolean; equals: unknown } {
  const { exists, equals } = given
  if (exists !== undefined && typeof exists !== 'boolean') fail(`${option}.exists`, 'true or false', exists)
  if (equals === undefined) return { exists: exists !== false, equals }
  if (!isValue(equals)) fail(`${option}.equals`, expected, equals)
  if (exists === false) fail(`${option}.exists`, 'absent or true with `equals`', exists)
  return { exists: true, equals }
}

function resolveCheck(option: string, name: string, value: unknown): ResolvedCheck {
  const given = requireObject(option, value, `a check: ${FORM}`)
  const subjects = SUBJECTS.filter((key) => given[key] !== undefined)
  if (subjects.length !== 1) fail(option, `a check with one subject: ${FORM}`, value)
  const subject = subjects[0]!
  switch (subject) {
    case 'status': {
      allowOnly(option, given, ['status'])
      return { name, kind: 'status', statuses: [...requireStatusList(`${option}.status`, given['status'])] }
    }
    case 'json': {
      allowOnly(option, given, ['json', 'equals', 'exists'])
      const text = given['json']
      const path = typeof text === 'string' ? parseJsonPath(text.trim()) : undefined
      if (path === undefined) fail(`${option}.json`, "a JSON path: 'a.b[0].c', '$.id'", text)
      const scalar = (equals: unknown) =>
        typeof equals === 'string' ||
        typeof equals === 'boolean' ||
        (typeof equals === 'number' && Number.isFinite(equals))
      const { exists, equals } = presence(option, given, scalar, 'a string, a finite number or a boolean')
      const check: ResolvedCheck = { name, kind: 'json', path, exists }
      if (equals !== undefined) check.equals = equals as string | number | boolean
      return check
    }
    case 'header': {
      allowOnly(option, given, ['header', 'equals', 'exists'])
      const header = given['header']
      if (typeof header !== 'string' || !HEADER_NAME.test(header.toLowerCase()))
        fail(`${option}.header`, 'a header name', header)
      const isString = (equals: unknown) => typeof equals === 'string'
      const { exists, equals } = presence(option, given, isString, 'a string')
      const check: ResolvedCheck = { name, kind: 'header', header: header.toLowerCase(), exists }
      if (equals !== undefined) check.equals = equals as string
      return check
    }
    case 'bodyIncludes': {
      allowOnly(option, given, ['bodyIncludes'])
      const includes = given['bodyIncludes']
      if (typeof includes !== 'string' || includes === '')
        fail(`${option}.bodyIncludes`, 'a non-empty string', includes)
      return { name, kind: 'body', includes }
    }
  }
}

/** Validates a step's `checks` (`option` names them: `steps[0].checks`); undefined when there are none. */
export function resolveChecks(option: string, value: unknown): ResolvedCheck[] | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value))
    fail(option, "an object of check names to checks: { 'status 200': { status: 200 } }", value)
  const checks = Object.entries(value).map(([name, check]) => {
    if (name.trim() === '') fail(option, 'check names that are not empty', name)
    return resolveCheck(`${option}.${name}`, name, check)
  })
  return checks.length === 0 ? undefined : checks
}

/** True when a check reads the response's headers or body (the step must keep them). */
export function readsResponse(check: ResolvedCheck): boolean {
  return check.kind !== 'status'
}

/** A response's body decoded as JSON, once for all the checks of a step: `ok` false when it is not JSON. */
export interface DecodedBody {
  read: boolean
  ok: boolean
  value: unknown
}

export function undecodedBody(): DecodedBody {
  return { read: false, ok: false, value: undefined }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Whether `check` passes on `response` (a request that failed without a response is status 0, no headers,
 * an empty body). `decoded` is the step's one JSON decoding of the body.
 */
export function checkPasses(check: ResolvedCheck, response: CheckResponse, decoded: DecodedBody): boolean {
  switch (check.kind) {
    case 'status':
      return check.statuses.includes(response.status)
    case 'body':
      return response.body.includes(check.includes)
    case 'header': {
      const value = headerText(response.headers[check.header])
      if (!check.exists) return value === undefined
      return value !== undefined && (check.equals === undefined || value === check.equals)
    }
    case 'json': {
      if (!decoded.read) {
        decoded.read = true
        try {
          decoded.value = parseJsonBody(response.body)
          decoded.ok = true
        } catch {
          decoded.ok = false
        }
      }
      const value = decoded.ok ? readPath(decoded.value, check.path) : undefined
      const found = value !== undefined && value !== null
      if (!check.exists) return !found
      return found && (check.equals === undefined || value === check.equals)
    }
  }
}
