import { InvalidOptionError } from '../foundation/errors.ts'
import { isSecretHeader, REDACTED, redactUrl } from '../foundation/redact.ts'
import {
  type CheckResponse,
  type HttpMethod,
  type LoadProgress,
  type LoadTestOptions,
  type NativeTransport,
  TOOL_NAMES,
  type ToolChoice,
} from '../foundation/types.ts'
import { MAX_DURATION_MS, requireDurationMs } from './duration.ts'
import {
  escapeForMessage,
  headerNameProblem,
  headerValueProblem,
  parsedUrlProblem,
  rawUrlProblem,
} from './http-fields.ts'
import { endpointNamesOf, type ResolvedJourney, resolveJourney } from './journey/resolve.ts'
import { checkThresholdTags, type ParsedThreshold, parseThresholds } from './thresholds.ts'
import {
  type ResolvedTls,
  resolveHttp2Transport,
  resolveMaxHeaderSize,
  resolveTls,
} from './transport-options.ts'
import {
  argument,
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireBoolean,
  requireFunction,
  requireInteger,
  requireNumber,
  requireObject,
  requireOneOf,
  requireString,
} from './validate.ts'

/** Defaults the seed's config file and the plugin can override. */
export interface LoadDefaults {
  users: number
  durationMs: number
  rampUpMs: number
  timeoutMs: number
  /** The largest failed share (0..1) a run may have, or `false` for no error budget. */
  errorBudget: number | false
}

/** The default error budget: at most 1% of requests fail (k6 users' most common `http_req_failed: ['rate<0.01']`). */
export const DEFAULT_ERROR_BUDGET = 0.01

export const DEFAULTS: LoadDefaults = {
  users: 10,
  durationMs: 10_000,
  rampUpMs: 0,
  timeoutMs: 30_000,
  errorBudget: DEFAULT_ERROR_BUDGET,
}

/**
 * What a run's error budget checks. `false`: nothing. Otherwise a run in which no request succeeded fails,
 * and so does one whose failed share exceeds `maxFraction` (undefined: the run's own error-rate threshold
 * decides the rate).
 */
export type ErrorBudget = { maxFraction: number | undefined } | false

/** More virtual users than this in one process measure the generator, not the target. */
export const MAX_USERS_PER_PROCESS = 10_000
const MAX_REQUESTS = 1_000_000_000
const MAX_RATE = 1_000_000
const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const TOOLS: readonly ToolChoice[] = ['auto', ...TOOL_NAMES]
const TRANSPORTS: readonly NativeTransport[] = ['undici', 'fast']

// `satisfies` ties the list to the type: an option added to LoadTestOptions but not here fails tsc.
const LOAD_TEST_KEYS = {
  url: true,
  name: true,
  tool: true,
  users: true,
  duration: true,
  requests: true,
  rampUp: true,
  warmup: true,
  measureRampUp: true,
  method: true,
  headers: true,
  body: true,
  timeout: true,
  expectStatus: true,
  check: true,
  thresholds: true,
  signal: true,
  rate: true,
  stages: true,
  maxUsers: true,
  script: true,
  locustfile: true,
  workers: true,
  pipelining: true,
  transport: true,
  maxHeaderSize: true,
  tls: true,
  http2: true,
  binary: true,
  masterBindHost: true,
  masterPort: true,
  monitor: true,
  onProgress: true,
  setup: true,
  teardown: true,
  data: true,
  steps: true,
  onStart: true,
  scenarios: true,
  think: true,
  errorBudget: true,
} as const satisfies KnownKeys<LoadTestOptions>
const DEFAULTS_KEYS = {
  users: true,
  durationMs: true,
  rampUpMs: true,
  timeoutMs: true,
  errorBudget: true,
} as const satisfies KnownKeys<LoadDefaults>
const MONITOR_KEYS = { pid: true } as const satisfies KnownKeys<NonNullable<LoadTestOptions['monitor']>>

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
  /** Native engine: load sent before `durationMs`, not measured. */
  warmupMs: number
  /** Ramp-up seconds count in the metrics too (by default only the steady state does). */
  measureRampUp: boolean
  method: HttpMethod
  headers: Record<string, string>
  body: Buffer | undefined
  timeoutMs: number
  /** Null means the default: 2xx and 3xx succeed. */
  expectStatus: ReadonlySet<number> | null
  check: ((response: CheckResponse) => boolean) | undefined
  thresholds: ParsedThreshold[]
  errorBudget: ErrorBudget
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
  /** The largest response head the native engine accepts, in bytes. */
  maxHeaderSize: number
  /** TLS settings; undefined: Node's defaults. */
  tls: ResolvedTls | undefined
  /** HTTP/2 (ALPN over TLS, h2c over plain TCP); the undici transport only. */
  http2: boolean
  binary: string | undefined
  masterBindHost: string | undefined
  masterPort: number | undefined
  monitorPid: number | undefined
  /** Progress callback, about once a second; engines that cannot report progress ignore it. */
  onProgress?: (progress: LoadProgress) => void
  /** A journey run (`steps` or `scenarios`): its steps with the run's values as their defaults. */
  journey?: ResolvedJourney
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
  requireObject(option, defaults)
  rejectUnknownKeys(defaults, DEFAULTS_KEYS, `${option}.`)
  const { users, durationMs, rampUpMs, timeoutMs, errorBudget } = defaults
  if (users !== undefined) requireUsers(`${option}.users`, users)
  if (errorBudget !== undefined) requireErrorBudget(`${option}.errorBudget`, errorBudget)
  for (const [key, value, min] of [
    ['durationMs', durationMs, 1],
    ['rampUpMs', rampUpMs, 0],
    ['timeoutMs', timeoutMs, 1],
  ] as const) {
    if (value !== undefined) requireNumber(`${option}.${key}`, value, { min, max: MAX_DURATION_MS })
  }
  return defaults
}

/** Users in one process, capped: past the cap the numbers describe the generator, not the target. */
export function requireUsers(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_USERS_PER_PROCESS) {
    throw new InvalidOptionError(
      option,
      `Expected the \`${option}\` option to be at most ${MAX_USERS_PER_PROCESS} virtual users in one process, ` +
        `got \`${value}\` (number): past the cap the numbers would describe the load generator, not the ` +
        'target. Spread the load: `workers: N` ' +
        "(native engine), Locust's distributed mode (`tool: 'locust', workers: N`, workers on other machines " +
        'joining through `masterBindHost`/`masterPort`), or several machines.',
    )
  }
  return requireInteger(option, value, 1, MAX_USERS_PER_PROCESS)
}

/** Validates an error budget: a failed share from 0 to 1 (`0.05` = 5%), or `false`. */
export function requireErrorBudget(option: string, value: unknown): number | false {
  if (value === false) return false
  if (typeof value !== 'number') return fail(option, 'a failed share from 0 to 1 (e.g. 0.05) or false', value)
  return requireNumber(option, value, { min: 0, max: 1 })
}

// A run's own error-rate threshold takes the place of the default rate; an explicit `errorBudget` applies anyway.
function resolveErrorBudget(
  value: unknown,
  fallback: number | false,
  thresholds: readonly ParsedThreshold[],
): ErrorBudget {
  if (value !== undefined) {
    const given = requireErrorBudget('errorBudget', value)
    return given === false ? false : { maxFraction: given }
  }
  if (fallback === false) return false
  const ownRate = thresholds.some(({ stat }) => stat === 'errorRatePercent' || stat === 'errorFraction')
  return { maxFraction: ownRate ? undefined : fallback }
}

function requireRate(option: string, value: unknown): number {
  return requireNumber(option, value, { above: 0, max: MAX_RATE })
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

/** A warm-up goes before a timed run; a count of requests or a shape of stages has no place for it. */
function resolveWarmup(
  options: LoadTestOptions,
  requests: number | undefined,
  stages: ResolvedLoadOptions['stages'],
): number {
  if (options.warmup === undefined) return 0
  const warmupMs = requireDurationMs('warmup', options.warmup, { allowZero: true })
  if (warmupMs > 0 && requests !== undefined) {
    throw new InvalidOptionError(
      'warmup',
      'Expected no `warmup` with `requests`: the warm-up is a time before the measured `duration`',
    )
  }
  if (warmupMs > 0 && stages !== undefined) {
    throw new InvalidOptionError(
      'warmup',
      'Expected no `warmup` with `stages`: begin the stages with a warm-up stage instead',
    )
  }
  return warmupMs
}

function resolveStages(value: unknown): { durationMs: number; target: number }[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0) {
    fail('stages', 'a non-empty array of { duration, target }', value)
  }
  return value.map((stage: unknown, index) => {
    const { duration, target } = requireObject(`stages[${index}]`, stage, 'an object { duration, target }')
    const durationMs = requireDurationMs(`stages[${index}].duration`, duration)
    return { durationMs, target: requireNumber(`stages[${index}].target`, target, { min: 0, max: MAX_RATE }) }
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
  // The engine's own HTTP/1.1 connection by default: it passes the conformance suite with the lower CPU per
  // request (bench/run.mjs); undici stays an explicit choice.
  if (options.transport === undefined) return 'fast'
  const transport = requireOneOf('transport', options.transport, TRANSPORTS)
  if (runsExternalTool(options)) {
    throw new InvalidOptionError(
      'transport',
      'Only the native engine has a `transport`: an external tool speaks HTTP its own way',
    )
  }
  return transport
}

export type { ResolvedTls }

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
  requireObject(argument('options'), options)
  rejectUnknownKeys(options, LOAD_TEST_KEYS)
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
      ? requireDurationMs('duration', options.duration)
      : (stagesMs ?? (requests === undefined ? defaults.durationMs : undefined))
  const headers = resolveHeaders(options.headers)
  const body = resolveBody(options.body, headers)
  if (options.check !== undefined) requireFunction('check', options.check)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', options.signal)
  }
  const maxUsers = options.maxUsers === undefined ? users : requireUsers('maxUsers', options.maxUsers)
  if (options.monitor !== undefined) {
    rejectUnknownKeys(
      requireObject('monitor', options.monitor, 'an object { pid }'),
      MONITOR_KEYS,
      'monitor.',
    )
  }
  if (options.onProgress !== undefined) requireFunction('onProgress', options.onProgress)
  const timeoutMs =
    options.timeout === undefined ? defaults.timeoutMs : requireDurationMs('timeout', options.timeout)
  const expectStatus = resolveExpectStatus(options.expectStatus)
  const journey = resolveJourney(options, {
    method,
    headers,
    body: options.body,
    expectStatus,
    timeoutMs,
    check: options.check,
  })
  const thresholds = parseThresholds(options.thresholds)
  // A user's own k6 script or locustfile names its endpoints only when it runs: checked then.
  if (options.script === undefined && options.locustfile === undefined) {
    checkThresholdTags(thresholds, {
      endpoints: journey === undefined ? [] : endpointNamesOf(journey),
      scenarios: journey === undefined ? [] : journey.scenarios.map((scenario) => scenario.name),
    })
  }
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
    warmupMs: resolveWarmup(options, requests, stages),
    measureRampUp:
      options.measureRampUp === undefined ? false : requireBoolean('measureRampUp', options.measureRampUp),
    method,
    headers,
    body,
    timeoutMs,
    expectStatus,
    check: options.check,
    thresholds,
    errorBudget: resolveErrorBudget(options.errorBudget, defaults.errorBudget, thresholds),
    signal: options.signal,
    rate,
    stages,
    maxUsers,
    script: options.script === undefined ? undefined : requireString('script', options.script),
    locustfile:
      options.locustfile === undefined ? undefined : requireString('locustfile', options.locustfile),
    workers: options.workers === undefined ? undefined : requireInteger('workers', options.workers, 0, 256),
    pipelining: resolvePipelining(options),
    transport: resolveHttp2Transport(options, resolveTransport(options)),
    maxHeaderSize: resolveMaxHeaderSize(options),
    tls: resolveTls(options.tls),
    http2: options.http2 === undefined ? false : requireBoolean('http2', options.http2),
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
  if (journey !== undefined) resolved.journey = journey
  return resolved
}

/** True when a status counts as success under the resolved options. */
export function isExpectedStatus(expectStatus: ReadonlySet<number> | null, status: number): boolean {
  return expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
}
