import { parseDuration } from './duration.ts'
import { InvalidOptionError } from './errors.ts'
import {
  escapeForMessage,
  headerNameProblem,
  headerValueProblem,
  parsedUrlProblem,
  rawUrlProblem,
} from './http-fields.ts'
import { type ParsedThreshold, parseThresholds } from './metrics/thresholds.ts'
import { isSecretHeader, REDACTED, redactUrl } from './redact.ts'
import type {
  CheckResponse,
  HttpMethod,
  LoadProgress,
  LoadTestOptions,
  NativeTransport,
  ToolChoice,
} from './types.ts'

/** Defaults the seed's config file and the plugin can override. */
export interface LoadDefaults {
  users: number
  durationMs: number
  rampUpMs: number
  timeoutMs: number
}

export const DEFAULTS: LoadDefaults = { users: 10, durationMs: 10_000, rampUpMs: 0, timeoutMs: 30_000 }

/** More virtual users than this in one process measure the generator, not the target. */
export const MAX_USERS_PER_PROCESS = 10_000
const MAX_DURATION_MS = 24 * 3_600_000
const MAX_REQUESTS = 1_000_000_000
const MAX_RATE = 1_000_000
const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const TOOLS: readonly ToolChoice[] = ['auto', 'native', 'k6', 'ab', 'locust']
const TRANSPORTS: readonly NativeTransport[] = ['undici', 'fast']

const KNOWN_KEYS = new Set<string>([
  'url',
  'name',
  'tool',
  'users',
  'duration',
  'requests',
  'rampUp',
  'method',
  'headers',
  'body',
  'timeout',
  'expectStatus',
  'check',
  'thresholds',
  'signal',
  'rate',
  'stages',
  'maxUsers',
  'script',
  'locustfile',
  'workers',
  'pipelining',
  'transport',
  'binary',
  'masterBindHost',
  'masterPort',
  'monitor',
  'onProgress',
])

/** Options after validation: units resolved to ms, body encoded, defaults applied. */
export interface ResolvedLoadOptions {
  url: URL
  name: string
  tool: ToolChoice
  users: number
  /** Undefined when the run is bounded by `requests` alone. */
  durationMs: number | undefined
  requests: number | undefined
  rampUpMs: number
  method: HttpMethod
  headers: Record<string, string>
  body: Buffer | undefined
  timeoutMs: number
  /** Null means the default: 2xx and 3xx succeed. */
  expectStatus: ReadonlySet<number> | null
  check: ((response: CheckResponse) => boolean) | undefined
  thresholds: ParsedThreshold[]
  signal: AbortSignal | undefined
  rate: number | undefined
  stages: { durationMs: number; target: number }[] | undefined
  maxUsers: number
  script: string | undefined
  locustfile: string | undefined
  workers: number | undefined
  /** Requests each native user keeps in flight on its connection; 1 = no pipelining. */
  pipelining: number
  /** The native engine's HTTP transport. */
  transport: NativeTransport
  binary: string | undefined
  masterBindHost: string | undefined
  masterPort: number | undefined
  monitorPid: number | undefined
  /** Progress callback, about once a second; engines that cannot report progress ignore it. */
  onProgress?: (progress: LoadProgress) => void
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}' (string)`
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `\`${String(value)}\` (${typeof value})`
  }
  if (value === null) return '`null`'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

function fail(option: string, expected: string, value: unknown): never {
  throw new InvalidOptionError(
    option,
    `Expected the \`${option}\` option to be ${expected}, got ${describe(value)}`,
  )
}

/** Validates a positive integer option within [min, max]. */
export function requireInteger(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `an integer from ${min} to ${max}`, value)
  }
  return value
}

function requireOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(option, `one of ${allowed.join(', ')}`, value)
  return value as T
}

/** Validates a `tool` option: 'auto' or a tool name. */
export function requireTool(value: unknown, option = 'tool'): ToolChoice {
  return requireOneOf(option, value, TOOLS)
}

/** Validates run defaults (e.g. a client's or the plugin's) the way the options they stand for are checked. */
export function validateDefaults(
  defaults: Partial<LoadDefaults>,
  option = 'defaults',
): Partial<LoadDefaults> {
  if (typeof defaults !== 'object' || defaults === null) fail(option, 'an object', defaults)
  const { users, durationMs, rampUpMs, timeoutMs, ...unknown } = defaults
  const unknownKey = Object.keys(unknown)[0]
  if (unknownKey !== undefined) {
    throw new InvalidOptionError(`${option}.${unknownKey}`, `Unknown option \`${option}.${unknownKey}\``)
  }
  if (users !== undefined) requireUsers(`${option}.users`, users)
  for (const [key, value, min] of [
    ['durationMs', durationMs, 1],
    ['rampUpMs', rampUpMs, 0],
    ['timeoutMs', timeoutMs, 1],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !(value >= min && value <= MAX_DURATION_MS))) {
      fail(`${option}.${key}`, `milliseconds from ${min} to ${MAX_DURATION_MS}`, value)
    }
  }
  return defaults
}

/** Users in one process, capped: past the cap the numbers describe the generator, not the target. */
export function requireUsers(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_USERS_PER_PROCESS) {
    throw new InvalidOptionError(
      option,
      `\`${option}\` is ${value}, above the cap of ${MAX_USERS_PER_PROCESS} virtual users in one process, where ` +
        'the numbers would describe the load generator, not the target. Spread the load: `workers: N` ' +
        "(native engine), Locust's distributed mode (`tool: 'locust', workers: N`, workers on other machines " +
        'joining through `masterBindHost`/`masterPort`), or several machines.',
    )
  }
  return requireInteger(option, value, 1, MAX_USERS_PER_PROCESS)
}

function requireRate(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_RATE) {
    fail(option, `a number of requests per second above 0 and at most ${MAX_RATE}`, value)
  }
  return value
}

function requireDurationMs(option: string, value: unknown, { allowZero }: { allowZero: boolean }): number {
  const ms = parseDuration(value as never, option)
  if ((!allowZero && ms <= 0) || ms > MAX_DURATION_MS) {
    fail(option, `a duration ${allowZero ? 'from 0' : 'above 0'} up to 24h`, value)
  }
  return ms
}

function requireString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(option, 'a non-empty string', value)
  return value
}

/** Parses and checks the target URL: http(s) only, with a host. */
export function parseTargetUrl(value: unknown, option = 'url'): URL {
  if (typeof value !== 'string' || value.length === 0) fail(option, 'an http(s) URL string', value)
  const rawProblem = rawUrlProblem(value)
  if (rawProblem !== undefined)
    fail(option, rawProblem, escapeForMessage(value.replace(/\/\/[^/@]*@/, '//[redacted]@')))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidOptionError(
      option,
      `Expected the \`${option}\` option to be an absolute http(s) URL, got '${redactUrl(value)}'`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(
      option,
      `Expected the \`${option}\` option to use http: or https:, got '${url.protocol}'`,
    )
  }
  const parsedProblem = parsedUrlProblem(url)
  if (parsedProblem !== undefined) fail(option, parsedProblem, redactUrl(value))
  return url
}

function resolveHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('headers', 'an object of header names to string values', value)
  }
  const headers: Record<string, string> = {}
  for (const [name, headerValue] of Object.entries(value)) {
    const nameProblem = headerNameProblem(name)
    if (nameProblem !== undefined) fail('headers', nameProblem, escapeForMessage(name))
    if (typeof headerValue !== 'string') fail(`headers.${name}`, 'a string', headerValue)
    const valueProblem = headerValueProblem(headerValue)
    if (valueProblem !== undefined) {
      fail(`headers.${name}`, valueProblem, isSecretHeader(name) ? REDACTED : escapeForMessage(headerValue))
    }
    headers[name.toLowerCase()] = headerValue
  }
  return headers
}

function resolveBody(value: unknown, headers: Record<string, string>): Buffer | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return Buffer.from(value)
  if (value instanceof Uint8Array) return Buffer.from(value)
  if (typeof value === 'object' && value !== null) {
    headers['content-type'] ??= 'application/json'
    return Buffer.from(JSON.stringify(value))
  }
  return fail('body', 'a string, Buffer, object or array', value)
}

function resolveExpectStatus(value: unknown): ReadonlySet<number> | null {
  if (value === undefined) return null
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) fail('expectStatus', 'a status code or a non-empty list of them', value)
  for (const code of list) requireInteger('expectStatus', code, 100, 599)
  return new Set(list as number[])
}

function resolveStages(value: unknown): { durationMs: number; target: number }[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0)
    fail('stages', 'a non-empty array of { duration, target }', value)
  return value.map((stage: unknown, index) => {
    if (typeof stage !== 'object' || stage === null)
      fail(`stages[${index}]`, 'an object { duration, target }', stage)
    const { duration, target } = stage as { duration?: unknown; target?: unknown }
    const durationMs = requireDurationMs(`stages[${index}].duration`, duration, { allowZero: false })
    if (typeof target !== 'number' || !Number.isFinite(target) || target < 0 || target > MAX_RATE) {
      fail(`stages[${index}].target`, `a rate from 0 to ${MAX_RATE}`, target)
    }
    return { durationMs, target }
  })
}

/** True when the options name an external tool, or give it a script or locustfile. */
function runsExternalTool(options: LoadTestOptions): boolean {
  const { tool } = options
  const named = tool !== undefined && tool !== 'auto' && tool !== 'native'
  return named || options.script !== undefined || options.locustfile !== undefined
}

function resolvePipelining(options: LoadTestOptions): number {
  if (options.pipelining === undefined) return 1
  const depth = requireInteger('pipelining', options.pipelining, 1, 256)
  if (depth > 1 && runsExternalTool(options)) {
    throw new InvalidOptionError('pipelining', 'Only the native engine pipelines requests (`pipelining`)')
  }
  return depth
}

function resolveTransport(options: LoadTestOptions): NativeTransport {
  if (options.transport === undefined) return 'undici'
  const transport = requireOneOf('transport', options.transport, TRANSPORTS)
  if (runsExternalTool(options)) {
    throw new InvalidOptionError(
      'transport',
      'Only the native engine has a `transport`: an external tool speaks HTTP its own way',
    )
  }
  return transport
}

function defaultName(url: URL): string {
  return `${url.pathname}${url.search}` || '/'
}

/**
 * Validates every option and applies defaults. Throws an InvalidOptionError naming the option
 * before any request is sent.
 */
export function resolveLoadOptions(
  options: LoadTestOptions,
  partialDefaults: Partial<LoadDefaults> = {},
): ResolvedLoadOptions {
  const defaults: LoadDefaults = { ...DEFAULTS, ...partialDefaults }
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options)
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new InvalidOptionError(
        key,
        `Unknown option \`${key}\`. Known options: ${[...KNOWN_KEYS].join(', ')}`,
      )
    }
  }
  const url = parseTargetUrl(options.url)
  const tool = options.tool === undefined ? 'auto' : requireTool(options.tool)
  const method = options.method === undefined ? 'GET' : requireOneOf('method', options.method, METHODS)
  const users = options.users === undefined ? defaults.users : requireUsers('users', options.users)
  const requests =
    options.requests === undefined ? undefined : requireInteger('requests', options.requests, 1, MAX_REQUESTS)
  const rate = options.rate === undefined ? undefined : requireRate('rate', options.rate)
  const stages = resolveStages(options.stages)
  if (rate !== undefined && stages !== undefined) {
    throw new InvalidOptionError('rate', 'Use either `rate` (constant) or `stages` (ramping), not both')
  }
  const stagesMs = stages?.reduce((sum, stage) => sum + stage.durationMs, 0)
  const durationMs =
    options.duration !== undefined
      ? requireDurationMs('duration', options.duration, { allowZero: false })
      : (stagesMs ?? (requests === undefined ? defaults.durationMs : undefined))
  const headers = resolveHeaders(options.headers)
  const body = resolveBody(options.body, headers)
  if (options.check !== undefined && typeof options.check !== 'function')
    fail('check', 'a function', options.check)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', options.signal)
  }
  const maxUsers = options.maxUsers === undefined ? users : requireUsers('maxUsers', options.maxUsers)
  if (options.monitor !== undefined && (typeof options.monitor !== 'object' || options.monitor === null)) {
    fail('monitor', 'an object { pid }', options.monitor)
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    fail('onProgress', 'a function', options.onProgress)
  const resolved: ResolvedLoadOptions = {
    url,
    name: options.name === undefined ? defaultName(url) : requireString('name', options.name),
    tool,
    users,
    durationMs,
    requests,
    rampUpMs:
      options.rampUp === undefined
        ? defaults.rampUpMs
        : requireDurationMs('rampUp', options.rampUp, { allowZero: true }),
    method,
    headers,
    body,
    timeoutMs:
      options.timeout === undefined
        ? defaults.timeoutMs
        : requireDurationMs('timeout', options.timeout, { allowZero: false }),
    expectStatus: resolveExpectStatus(options.expectStatus),
    check: options.check,
    thresholds: parseThresholds(options.thresholds),
    signal: options.signal,
    rate,
    stages,
    maxUsers,
    script: options.script === undefined ? undefined : requireString('script', options.script),
    locustfile:
      options.locustfile === undefined ? undefined : requireString('locustfile', options.locustfile),
    workers: options.workers === undefined ? undefined : requireInteger('workers', options.workers, 1, 256),
    pipelining: resolvePipelining(options),
    transport: resolveTransport(options),
    binary: options.binary === undefined ? undefined : requireString('binary', options.binary),
    masterBindHost:
      options.masterBindHost === undefined
        ? undefined
        : requireString('masterBindHost', options.masterBindHost),
    masterPort:
      options.masterPort === undefined
        ? undefined
        : requireInteger('masterPort', options.masterPort, 1, 65_535),
    monitorPid:
      options.monitor === undefined
        ? undefined
        : requireInteger('monitor.pid', options.monitor.pid, 1, 2 ** 31 - 1),
  }
  if (options.onProgress !== undefined) resolved.onProgress = options.onProgress
  return resolved
}

/** True when a status counts as success under the resolved options. */
export function isExpectedStatus(expectStatus: ReadonlySet<number> | null, status: number): boolean {
  return expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
}
