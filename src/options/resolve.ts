import type { LoadTestOptions, Thresholds } from '../foundation/types.ts'
import { DEFAULTS, type LoadDefaults } from './defaults.ts'
import { type ErrorBudget, resolveErrorBudget } from './error-budget.ts'
import { type ResolvedJourney, resolveJourney } from './journey/resolve.ts'
import { type NativeOptions, resolveNative } from './native.ts'
import { type ResolvedRequest, resolveRequest } from './request.ts'
import { resolveRunThresholds } from './run-thresholds.ts'
import { type LoadShape, resolveShape } from './shape.ts'
import type { ParsedThreshold } from './thresholds.ts'
import { resolveTool, type ToolOptions } from './tool.ts'
import {
  argument,
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireInteger,
  requireObject,
} from './validate.ts'

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
  setupTimeout: true,
  teardownTimeout: true,
  data: true,
  steps: true,
  iteration: true,
  onStart: true,
  scenarios: true,
  mix: true,
  think: true,
  errorBudget: true,
} as const satisfies KnownKeys<LoadTestOptions>

/**
 * A run's options after validation, in sections: units resolved to ms, body encoded, defaults applied, and
 * what cannot go together refused. What is valid is a type: nothing below `options/` checks it again. Each
 * part of the run takes the sections it needs: the executors `shape`, the transports `request` and
 * `native`, an external tool `request`, `shape`, `tool` (and the journey and thresholds).
 */
export interface ResolvedLoadOptions {
  request: ResolvedRequest
  shape: LoadShape
  native: NativeOptions
  tool: ToolOptions
  /** The run's own and the shared thresholds that concern it. */
  thresholds: ParsedThreshold[]
  errorBudget: ErrorBudget
  /** A journey run (`steps` or `scenarios`): its steps with the request's values as their defaults. */
  journey?: ResolvedJourney
  /** Stops the run early; the result keeps what was measured. */
  signal: AbortSignal | undefined
}

export type { LoadDefaults }
export { DEFAULTS }

/**
 * Validates every option and applies defaults; `sharedThresholds` (a config file's, the plugin's) apply
 * under the run's own, those tagged for an endpoint or scenario only when its journey has it. Throws an
 * InvalidOptionError naming the option before any request is sent.
 */
export function resolveLoadOptions(
  options: LoadTestOptions,
  partialDefaults: Partial<LoadDefaults> = {},
  sharedThresholds?: Thresholds,
): ResolvedLoadOptions {
  const defaults: LoadDefaults = { ...DEFAULTS, ...partialDefaults }
  requireObject(argument('options'), options)
  rejectUnknownKeys(options, LOAD_TEST_KEYS)
  const request = resolveRequest(options, defaults.timeoutMs)
  const shape = resolveShape(options, defaults)
  // One option, two meanings: the native engine's worker threads, Locust's worker processes.
  const workers =
    options.workers === undefined ? undefined : requireInteger('workers', options.workers, 0, 256)
  const tool = resolveTool(options, workers)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', options.signal)
  }
  const journey = resolveJourney(options, {
    method: request.method,
    headers: request.headers,
    body: options.body,
    expectStatus: request.expectStatus,
    timeoutMs: request.timeoutMs,
    check: request.check,
  })
  const native = resolveNative(options, { tool: tool.name, workers, shape, request, journey })
  const userFile = tool.script !== undefined || tool.locustfile !== undefined
  // A code iteration, like a user's own file, names its endpoints only as it runs.
  const namesAfterRun = userFile || journey?.iteration !== undefined
  const thresholds = resolveRunThresholds(options.thresholds, sharedThresholds, journey, namesAfterRun)
  if (journey?.iteration !== undefined) {
    journey.iteration.endpoints = [
      ...new Set(thresholds.flatMap(({ tag }) => (tag?.kind === 'name' ? [tag.value] : []))),
    ]
  }
  const resolved: ResolvedLoadOptions = {
    request,
    shape,
    native,
    tool,
    thresholds,
    errorBudget: resolveErrorBudget(options.errorBudget, defaults.errorBudget, thresholds),
    signal: options.signal,
  }
  if (journey !== undefined) resolved.journey = journey
  return resolved
}
