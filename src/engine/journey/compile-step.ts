import type { CheckResponse, JourneyContext, StepBody } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import type { MetricsCollector } from '../../metrics/collector.ts'
import { rawUrlProblem, renderedHeaderValueProblem, trimHeaderValue } from '../../options/http-fields.ts'
import type { CaptureSource } from '../../options/journey/capture-path.ts'
import { encodeRequestTarget } from '../../options/journey/request-target.ts'
import type { CaptureFunction, ResolvedStep } from '../../options/journey/resolve.ts'
import { type ResolvedCheck, readsResponse } from '../../options/journey/step-checks.ts'
import {
  escapeJsonString,
  parseTemplate,
  renderTemplate,
  type Template,
} from '../../options/journey/template.ts'
import type { ThinkRange } from '../../options/journey/think.ts'
import { promiseReturnedMessage, returnedPromise } from '../returned-promise.ts'
import type { JourneyTransport, WireRequest } from './connection.ts'
import type { RecordTarget } from './journey-record.ts'
import type { ScenarioStats } from './journey-stats.ts'

/** A step's own failure before anything was sent: a missing var, a throwing function, an illegal value. */
export class StepPrepareError extends Error {
  readonly type: 'template' | 'step_function'

  constructor(type: 'template' | 'step_function', message: string) {
    super(message)
    this.name = 'StepPrepareError'
    this.type = type
  }
}

type BodyPlan =
  | { kind: 'static'; bytes: Buffer | undefined }
  | { kind: 'text'; template: Template }
  | { kind: 'json'; template: Template }
  | { kind: 'function'; fn: (ctx: JourneyContext) => StepBody }

/**
 * A step compiled for one run: its collectors, its prebuilt request when static, its templates when not. It
 * is the request (a ProgramRequest) its program hands the user, and what the response is recorded against.
 */
export interface CompiledStep extends RecordTarget {
  name: string
  /** The run's collector, the endpoint's and the scenario's: every request is recorded in all three. */
  collectors: readonly MetricsCollector[]
  scenario: ScenarioStats
  /** The transport's request, built once; undefined when anything of it varies (built as it goes out). */
  wire: unknown
  /** Headers and body are read: for a check or a capture. */
  keep: boolean
  head: boolean
  timeoutMs: number
  expectStatus: ReadonlySet<number> | null
  check: ((response: CheckResponse) => boolean) | undefined
  /** Named checks, run on every response (and failed request); undefined when the step has none. */
  checks: ResolvedCheck[] | undefined
  captures: [name: string, source: CaptureSource][] | undefined
  captureFunction: CaptureFunction | undefined
  resolved: ResolvedStep
  path: Template | ((ctx: JourneyContext) => string)
  headers: [name: string, value: Template][]
  body: BodyPlan
}

/** A scenario compiled for one run. */
export interface CompiledScenario {
  name: string
  /** Which `onStart` it runs (ResolvedScenario.onStartSlot): scenarios of one slot share it. */
  onStartSlot: number
  onStart: CompiledStep[]
  steps: CompiledStep[]
  think: ThinkRange
  stats: ScenarioStats
}

function planBody(body: ResolvedStep['body']): BodyPlan {
  if (body === undefined) return { kind: 'static', bytes: undefined }
  if (typeof body === 'function') return { kind: 'function', fn: body }
  if (body instanceof Uint8Array) return { kind: 'static', bytes: Buffer.from(body) }
  if (typeof body === 'string') {
    const template = parseTemplate(body)
    return template.vars.length === 0
      ? { kind: 'static', bytes: Buffer.from(body) }
      : { kind: 'text', template }
  }
  const json = JSON.stringify(body)
  const template = parseTemplate(json)
  return template.vars.length === 0
    ? { kind: 'static', bytes: Buffer.from(json) }
    : { kind: 'json', template }
}

/** The origin-form target of a step's path on the run's url: the url's path, then the step's. */
function joinTarget(base: URL, path: string): string {
  if (path === '') return `${base.pathname}${base.search}`
  if (path.startsWith('?')) return `${base.pathname}${path}`
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname
  return `${basePath}${path}`
}

/**
 * The target a rendered path goes out as, refusing one with control characters. No URL parsing: dot segments
 * go out as rendered, and a path such as '//elsewhere/x' stays a path on the run's host.
 */
export function normalizeTarget(base: URL, path: string, type: 'template' | 'step_function'): string {
  const raw = joinTarget(base, path)
  const problem = rawUrlProblem(raw)
  if (problem !== undefined) throw new StepPrepareError(type, `path: expected ${problem}`)
  return encodeRequestTarget(raw)
}

export function compileStep(
  step: ResolvedStep,
  base: URL,
  transport: JourneyTransport,
  collectors: readonly MetricsCollector[],
  scenario: ScenarioStats,
): CompiledStep {
  const path = typeof step.path === 'function' ? step.path : parseTemplate(step.path)
  const headers = Object.entries(step.headers).map(([name, value]): [string, Template] => [
    name,
    parseTemplate(value),
  ])
  const body = planBody(step.body)
  const wire =
    typeof path !== 'function' &&
    path.vars.length === 0 &&
    headers.every(([, value]) => value.vars.length === 0) &&
    body.kind === 'static'
      ? transport.build({
          method: step.method,
          target: normalizeTarget(base, step.path as string, 'template'),
          headers: step.headers,
          body: body.bytes,
        })
      : undefined
  const declarative = typeof step.capture === 'object' ? Object.entries(step.capture) : undefined
  return {
    name: step.name,
    collectors,
    scenario,
    wire,
    keep:
      step.check !== undefined || step.capture !== undefined || (step.checks?.some(readsResponse) ?? false),
    head: step.method === 'HEAD',
    timeoutMs: step.timeoutMs,
    expectStatus: step.expectStatus,
    check: step.check,
    checks: step.checks,
    captures: declarative,
    captureFunction: typeof step.capture === 'function' ? step.capture : undefined,
    resolved: step,
    path,
    headers,
    body,
  }
}

function callStepFunction<T>(field: string, fn: (ctx: JourneyContext) => T, ctx: JourneyContext): T {
  let value: T
  try {
    value = fn(ctx)
  } catch (error) {
    throw new StepPrepareError(
      'step_function',
      `${field} function threw: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  // A Promise would go out as the body `{}`, or fail as a path of `{}`.
  if (returnedPromise(value)) {
    throw new StepPrepareError('step_function', promiseReturnedMessage(`${field} function`))
  }
  return value
}

function render(
  template: Template,
  ctx: JourneyContext,
  where: string,
  encode?: (text: string) => string,
): string {
  try {
    return renderTemplate(template, ctx, where, encode)
  } catch (error) {
    throw new StepPrepareError('template', (error as Error).message)
  }
}

function bodyBytes(step: CompiledStep, ctx: JourneyContext): Buffer | undefined {
  const plan = step.body
  switch (plan.kind) {
    case 'static':
      return plan.bytes
    case 'text':
      return Buffer.from(render(plan.template, ctx, 'body'))
    case 'json':
      return Buffer.from(render(plan.template, ctx, 'body', escapeJsonString))
    case 'function': {
      const value = callStepFunction('body', plan.fn, ctx)
      if (typeof value === 'string') return Buffer.from(value)
      if (value instanceof Uint8Array) return Buffer.from(value)
      if (typeof value === 'object' && value !== null) return Buffer.from(JSON.stringify(value))
      throw new StepPrepareError(
        'step_function',
        `body function returned ${typeof value}, not a string, Buffer, object or array`,
      )
    }
  }
}

/**
 * A header value with vars, as every engine sends it: trimmed of optional whitespace, then checked like a
 * configured value and for ASCII (CR/LF never reach the wire).
 */
function renderHeader(name: string, template: Template, ctx: JourneyContext): string {
  const value = trimHeaderValue(render(template, ctx, `header ${name}`))
  const problem = renderedHeaderValueProblem(value)
  if (problem !== undefined)
    throw new StepPrepareError('template', `header ${name}: rendered value is not ${problem}`)
  return value
}

/** Builds the request of a step that varies: renders its templates, calls its functions, checks the result. */
export function buildDynamicRequest(
  step: CompiledStep,
  ctx: JourneyContext,
  base: URL,
  transport: JourneyTransport,
): unknown {
  let target: string
  if (typeof step.path === 'function') {
    const path = callStepFunction('path', step.path, ctx)
    if (typeof path !== 'string' || (path !== '' && !path.startsWith('/') && !path.startsWith('?'))) {
      throw new StepPrepareError(
        'step_function',
        `path function returned ${JSON.stringify(path)}, not a path starting with '/'`,
      )
    }
    target = normalizeTarget(base, path, 'step_function')
  } else {
    target = normalizeTarget(base, render(step.path, ctx, 'path'), 'template')
  }
  const headers: Record<string, string> = {}
  for (const [name, template] of step.headers) {
    const value = template.vars.length === 0 ? template.strings[0]! : renderHeader(name, template, ctx)
    setOwn(headers, name, value)
  }
  const request: WireRequest = { method: step.resolved.method, target, headers, body: bodyBytes(step, ctx) }
  return transport.build(request)
}
