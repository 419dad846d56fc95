import { InvalidOptionError } from '../foundation/errors.ts'
import type { LoadTestOptions } from '../foundation/types.ts'
import { requireDurationMs } from './duration.ts'
import { fail, requireBoolean, requireInteger, requireNumber, requireObject } from './validate.ts'

/** More virtual users than this in one process measure the generator, not the target. */
export const MAX_USERS_PER_PROCESS = 10_000
const MAX_REQUESTS = 1_000_000_000
const MAX_RATE = 1_000_000

/** One stage of a ramping arrival rate: the rate goes linearly to `target` (req/s) over `durationMs`. */
export interface RateStageMs {
  durationMs: number
  target: number
}

/** How the open model's requests arrive: at a constant `rate` (ramped up from 0 over `rampUpMs`), or along `stages` from 0. */
export type Arrival = { kind: 'rate'; rate: number } | { kind: 'stages'; stages: RateStageMs[] }

/**
 * How long a run sends load: `durationMs` (ending sooner once `requests` have gone out, when given), or
 * `requests` alone.
 */
export type RunLength =
  | { durationMs: number; requests: number | undefined }
  | { durationMs: undefined; requests: number }

/** What both models have. */
export interface ShapeCommon {
  /** Concurrent virtual users (closed model); the open model's users prepared up front (k6's preAllocatedVUs). */
  users: number
  /**
   * The open model's concurrency cap (default `users`). The closed model runs `users` and has no cap: a
   * `maxUsers` that differs there is refused by the tools that have no open model.
   */
  maxUsers: number
  /** Users start spread over this time (open model: the rate ramps up from 0). */
  rampUpMs: number
  /** Load sent before `durationMs`, not measured (native engine); 0 with `requests` alone or `stages`. */
  warmupMs: number
  /** The ramp-up's seconds count in the metrics too (by default only the steady state does). */
  measureRampUp: boolean
}

/** The closed model: `users` virtual users, each sending its next request when the previous one ended. */
export type ClosedShape = { model: 'closed' } & ShapeCommon & RunLength

/** The open model: requests arrive as `arrival` says, whatever the server does, at most `maxUsers` in flight. */
export type OpenShape = { model: 'open'; arrival: Arrival } & ShapeCommon & RunLength

/** The load shape section: who sends, how fast, for how long. The executors read it, and every tool. */
export type LoadShape = ClosedShape | OpenShape

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

function resolveStages(value: unknown): RateStageMs[] | undefined {
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

function resolveArrival(options: LoadTestOptions): Arrival | undefined {
  const rate =
    options.rate === undefined ? undefined : requireNumber('rate', options.rate, { above: 0, max: MAX_RATE })
  const stages = resolveStages(options.stages)
  if (rate !== undefined && stages !== undefined) {
    throw new InvalidOptionError('rate', 'Use either `rate` (constant) or `stages` (ramping), not both')
  }
  if (rate !== undefined) return { kind: 'rate', rate }
  return stages === undefined ? undefined : { kind: 'stages', stages }
}

// `duration` wins; then the stages' total; a run without either is bounded by `requests`, else the default.
function resolveLength(
  options: LoadTestOptions,
  arrival: Arrival | undefined,
  defaultDurationMs: number,
): RunLength {
  const requests =
    options.requests === undefined ? undefined : requireInteger('requests', options.requests, 1, MAX_REQUESTS)
  if (options.duration !== undefined) {
    return { durationMs: requireDurationMs('duration', options.duration), requests }
  }
  if (arrival?.kind === 'stages') {
    return { durationMs: arrival.stages.reduce((sum, stage) => sum + stage.durationMs, 0), requests }
  }
  if (requests !== undefined) return { durationMs: undefined, requests }
  return { durationMs: defaultDurationMs, requests }
}

/** A warm-up goes before a timed run; a count of requests or a shape of stages has no place for it. */
function resolveWarmup(options: LoadTestOptions, arrival: Arrival | undefined): number {
  if (options.warmup === undefined) return 0
  const warmupMs = requireDurationMs('warmup', options.warmup, { allowZero: true })
  if (warmupMs > 0 && options.requests !== undefined) {
    throw new InvalidOptionError(
      'warmup',
      'Expected no `warmup` with `requests`: the warm-up is a time before the measured `duration`',
    )
  }
  if (warmupMs > 0 && arrival?.kind === 'stages') {
    throw new InvalidOptionError(
      'warmup',
      'Expected no `warmup` with `stages`: begin the stages with a warm-up stage instead',
    )
  }
  return warmupMs
}

/**
 * Validates the load shape (`users`, `duration`, `requests`, `rampUp`, `warmup`, `measureRampUp`, `rate`,
 * `stages`, `maxUsers`) and applies defaults: the closed model, or the open one when an arrival rate is given.
 */
export function resolveShape(
  options: LoadTestOptions,
  defaults: { users: number; durationMs: number; rampUpMs: number },
): LoadShape {
  const users = options.users === undefined ? defaults.users : requireUsers('users', options.users)
  const arrival = resolveArrival(options)
  const length = resolveLength(options, arrival, defaults.durationMs)
  const common: ShapeCommon = {
    users,
    maxUsers: options.maxUsers === undefined ? users : requireUsers('maxUsers', options.maxUsers),
    rampUpMs:
      options.rampUp === undefined
        ? defaults.rampUpMs
        : requireDurationMs('rampUp', options.rampUp, { allowZero: true }),
    warmupMs: resolveWarmup(options, arrival),
    measureRampUp:
      options.measureRampUp === undefined ? false : requireBoolean('measureRampUp', options.measureRampUp),
  }
  return arrival === undefined
    ? { model: 'closed', ...common, ...length }
    : { model: 'open', arrival, ...common, ...length }
}
