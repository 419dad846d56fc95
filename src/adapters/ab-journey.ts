import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedJourney, ResolvedStep } from '../options/journey/resolve.ts'
import { hasTemplate, parseTemplate } from '../options/journey/template.ts'
import type { ResolvedRequest } from '../options/request.ts'
import { pathBase } from './scripts/journey-spec.ts'

const ONE_STATIC_STEP = 'ab sends one fixed request again and again: a journey for ab is one static step'

function reject(option: string, why = ONE_STATIC_STEP): never {
  throw new UnsupportedOptionError('ab', option, why)
}

/** The one static step of a journey ab can run, or UnsupportedOptionError naming what is more than that. */
export function abStep(journey: ResolvedJourney): ResolvedStep {
  const [scenario, ...others] = journey.scenarios
  if (scenario === undefined || others.length > 0) reject('scenarios')
  const where = scenario.name === 'default' ? '' : 'scenarios[0].'
  if (scenario.onStart.length > 0) reject(`${where}onStart`)
  const [step, ...more] = scenario.steps
  if (step === undefined || more.length > 0) reject(`${where}steps`)
  if (journey.data !== undefined) reject('data', 'ab has no per-request data')
  if (journey.setup !== undefined) reject('setup', 'ab cannot pass a value to its requests')
  if (scenario.think.maxMs > 0) reject(`${where}think`, 'ab cannot pause between requests')
  const option = `${where}steps[0]`
  if (typeof step.path === 'function' || typeof step.body === 'function' || step.check !== undefined)
    reject(option, 'functions run only in the native engine')
  if (step.capture !== undefined) reject(`${option}.capture`, 'ab cannot read responses')
  if (step.checks !== undefined) reject(`${option}.checks`, 'ab cannot read responses')
  if (parseTemplate(step.path).vars.length > 0 || hasTemplate(step.body) || hasTemplate(step.headers))
    reject(option, 'ab cannot fill {{var}} templates')
  return step
}

/**
 * The request ab sends for the journey's one step, on the run's request (after the request rules). The step
 * was resolved from the run's headers before the rules: the Basic auth they made of the URL's credentials
 * goes on it too, unless it has an `authorization` of its own.
 */
export function abStepRequest(request: ResolvedRequest, step: ResolvedStep): ResolvedRequest {
  const path = step.path as string
  const body = step.body as Exclude<ResolvedStep['body'], (...args: never[]) => unknown>
  const headers = { ...step.headers }
  if (headers.authorization === undefined && request.headers.authorization !== undefined) {
    headers.authorization = request.headers.authorization
  }
  return {
    ...request,
    url: new URL(path === '' ? request.url.href : `${pathBase(request.url)}${path}`),
    method: step.method,
    headers,
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? Buffer.from(body)
          : Buffer.from(JSON.stringify(body)),
    expectStatus: step.expectStatus,
    timeoutMs: step.timeoutMs,
  }
}

/** The step's endpoint and the `default` scenario (each request is one iteration) of an ab run. */
export function withAbEndpoint(run: AdapterRun, journey: ResolvedJourney, step: ResolvedStep): AdapterRun {
  const scenario = journey.scenarios[0]?.name ?? 'default'
  return {
    ...run,
    endpoints: {
      [step.name]: { ...run.metrics, method: step.method, path: step.path as string, timeline: run.timeline },
    },
    scenarios: {
      [scenario]: {
        iterations: run.metrics.successfulRequests,
        failedIterations: run.metrics.failedRequests,
        iterationDuration: run.metrics.responseTimes,
        onStartFailures: 0,
        metrics: run.metrics,
      },
    },
  }
}
