import { isSecretHeader, REDACTED, redactUrl } from '../foundation/redact.ts'
import type { CheckResponse, HttpMethod, LoadTestOptions } from '../foundation/types.ts'
import { setOwn } from '../foundation/util/own-keys.ts'
import { requireDurationMs } from './duration.ts'
import {
  escapeForMessage,
  headerNameProblem,
  headerValueProblem,
  parsedUrlProblem,
  rawUrlProblem,
} from './http-fields.ts'
import { type ResolvedTls, resolveTls } from './tls.ts'
import {
  fail,
  isThenable,
  requireBoolean,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
  requireSyncFunction,
} from './validate.ts'

/** HTTP methods the engines send. */
export const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * The request section: what every request of a (non-journey) run is, and how its connection is made. Every
 * engine reads it; a journey's steps take it as their defaults. The request rules (adapters/request-rules.ts)
 * rewrite `url` and `headers` once before a run.
 */
export interface ResolvedRequest {
  /** http(s), with a host; may still hold `user:password@` until the request rules turn it into a header. */
  url: URL
  /** The run's label in reports, and its request's name in k6's and Locust's statistics. */
  name: string
  method: HttpMethod
  /** Lower-case names; values checked for the wire (http-fields.ts). */
  headers: Record<string, string>
  /** Encoded: a string as UTF-8, an object or array as JSON (with `content-type: application/json`). */
  body: Buffer | undefined
  /** Per request, total time. */
  timeoutMs: number
  /** Null means the default: 2xx and 3xx succeed. */
  expectStatus: ReadonlySet<number> | null
  check: ((response: CheckResponse) => boolean) | undefined
  /** The connection: TLS settings (undefined: Node's defaults). */
  tls: ResolvedTls | undefined
  /** The connection speaks HTTP/2 (ALPN over TLS, h2c over plain TCP). */
  http2: boolean
}

/** Parses and checks the target URL: http(s) only, with a host. */
export function parseTargetUrl(value: unknown, option = 'url'): URL {
  const text = requireString(option, value, 'an http(s) URL string')
  const rawProblem = rawUrlProblem(text)
  if (rawProblem !== undefined)
    fail(option, rawProblem, escapeForMessage(text.replace(/\/\/[^/@]*@/, '//[redacted]@')))
  let url: URL
  try {
    url = new URL(text)
  } catch {
    fail(option, 'an absolute http(s) URL', redactUrl(text))
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(option, 'an http: or https: URL', url.protocol)
  }
  const parsedProblem = parsedUrlProblem(url)
  if (parsedProblem !== undefined) fail(option, parsedProblem, redactUrl(text))
  return url
}

function resolveHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  const given = requireObject('headers', value, 'an object of header names to string values')
  const headers: Record<string, string> = {}
  for (const [name, headerValue] of Object.entries(given)) {
    const nameProblem = headerNameProblem(name)
    if (nameProblem !== undefined) fail('headers', nameProblem, escapeForMessage(name))
    if (typeof headerValue !== 'string') fail(`headers.${name}`, 'a string', headerValue)
    const valueProblem = headerValueProblem(headerValue)
    if (valueProblem !== undefined) {
      fail(`headers.${name}`, valueProblem, isSecretHeader(name) ? REDACTED : escapeForMessage(headerValue))
    }
    setOwn(headers, name.toLowerCase(), headerValue)
  }
  return headers
}

function resolveBody(value: unknown, headers: Record<string, string>): Buffer | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return Buffer.from(value)
  if (value instanceof Uint8Array) return Buffer.from(value)
  if (typeof value === 'object' && value !== null && !isThenable(value)) {
    headers['content-type'] ??= 'application/json'
    return Buffer.from(JSON.stringify(value))
  }
  return fail('body', 'a string, Buffer, object or array', value)
}

/** An `expectStatus` (a run's or a step's): a status code or a non-empty list of them. */
export function requireStatusList(option: string, value: unknown): ReadonlySet<number> {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) fail(option, 'a status code or a non-empty list of them', value)
  for (const code of list) requireInteger(option, code, 100, 599)
  return new Set(list as number[])
}

/** True when a status counts as success under an `expectStatus` (null: 2xx and 3xx). */
export function isExpectedStatus(expectStatus: ReadonlySet<number> | null, status: number): boolean {
  return expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
}

function defaultName(url: URL): string {
  return `${url.pathname}${url.search}` || '/'
}

/** Validates the request options (`url`, `method`, `headers`, `body`, `timeout`, …) and applies defaults. */
export function resolveRequest(options: LoadTestOptions, defaultTimeoutMs: number): ResolvedRequest {
  const url = parseTargetUrl(options.url)
  const method = options.method === undefined ? 'GET' : requireOneOf('method', options.method, METHODS)
  const headers = resolveHeaders(options.headers)
  const body = resolveBody(options.body, headers)
  if (options.check !== undefined) requireSyncFunction('check', options.check)
  const timeoutMs =
    options.timeout === undefined ? defaultTimeoutMs : requireDurationMs('timeout', options.timeout)
  return {
    url,
    name: options.name === undefined ? defaultName(url) : requireString('name', options.name),
    method,
    headers,
    body,
    timeoutMs,
    expectStatus:
      options.expectStatus === undefined ? null : requireStatusList('expectStatus', options.expectStatus),
    check: options.check,
    tls: resolveTls(options.tls),
    http2: options.http2 === undefined ? false : requireBoolean('http2', options.http2),
  }
}
