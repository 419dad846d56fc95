import { UnsupportedOptionError } from '../../foundation/errors.ts'
import {
  K6_JOURNEY_METRICS,
  K6_NOT_SENT_REASONS,
  K6_STEP_ERROR_TYPES,
} from '../../metrics/parsers/k6-journey-metrics.ts'
import { endpointNamesOf, type ResolvedJourney } from '../../options/journey/resolve.ts'
import { assignScenarios } from '../../options/journey/scenario-order.ts'
import type { LoadShape } from '../../options/shape.ts'
import type { ToolRunOptions } from '../adapter.ts'
import {
  assertScriptable,
  knownChecks,
  type ScriptJourney,
  scriptJourney,
  stepsWithOptions,
} from './journey-spec.ts'
import { K6_JOURNEY_CODE } from './k6-journey-code.ts'
import { type K6Options, k6LoadOptions } from './k6-script.ts'

/** What the generated journey script runs: the journey as data, k6's options, how VUs pick a scenario. */
export interface K6JourneySpec {
  journey: ScriptJourney
  options: K6Options
  /** `user`: a VU keeps the scenario its index picks (`mix: 'per-user'`); `iteration`: each iteration picks. */
  split: 'user' | 'iteration'
  /** Scenario index per slot (VU or iteration index modulo its length): the native engine's weighted order. */
  order: number[]
  /** The closed model: a VU whose step was never sent backs off before its next iteration (as native's). */
  backoff: boolean
}

// The order repeats after the weights' sum; a longer one only repeats itself.
const MAX_ORDER = 100_000

// k6 splits a sub-metric's tags at commas and trims spaces and quotes from a value.
const K6_UNTAGGABLE = /,|^[\s'"]|[\s'"]$/

/** Throws UnsupportedOptionError for a journey k6 cannot run or report per endpoint. */
export function assertK6Journey(shape: LoadShape, journey: ResolvedJourney): void {
  assertScriptable('k6', journey)
  if (shape.requests !== undefined) {
    throw new UnsupportedOptionError('k6', 'requests', 'k6 counts journeys, not requests: use `duration`')
  }
  for (const [option, step] of stepsWithOptions(journey)) {
    if (K6_UNTAGGABLE.test(step.name))
      throw new UnsupportedOptionError(
        'k6',
        `${option}.name`,
        'k6 cannot tag a metric with a name that holds a comma or starts or ends with a space or quote',
      )
  }
  for (const [option, step] of stepsWithOptions(journey)) {
    for (const check of step.checks ?? []) {
      if (K6_UNTAGGABLE.test(check.name))
        throw new UnsupportedOptionError(
          'k6',
          `${option}.checks.${check.name}`,
          'k6 cannot tag a check with a name that holds a comma or starts or ends with a space or quote',
        )
    }
  }
  journey.scenarios.forEach((scenario, index) => {
    if (K6_UNTAGGABLE.test(scenario.name))
      throw new UnsupportedOptionError(
        'k6',
        `scenarios[${index}].name`,
        'k6 cannot tag a metric with a name that holds a comma or starts or ends with a space or quote',
      )
  })
}

/**
 * Always-true thresholds on every endpoint's and scenario's sub-metrics: k6's summary carries a sub-metric
 * only when a threshold names it. They are not results (isCarrierThreshold filters them out).
 */
export function carrierThresholds(
  endpoints: string[],
  scenarios: string[],
  checks: {
    byStep: ReadonlyMap<string, readonly string[]>
    byScenario: ReadonlyMap<string, readonly string[]>
  } = {
    byStep: new Map(),
    byScenario: new Map(),
  },
): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {}
  const carry = (tags: string): void => {
    thresholds[`http_req_duration{${tags}}`] = [CARRIERS.trend]
    thresholds[`http_reqs{${tags}}`] = [CARRIERS.counter]
    thresholds[`http_req_failed{${tags}}`] = [CARRIERS.rate]
  }
  // The script tags its counters and checks with these; each named pair is a sub-metric of the summary.
  const carryCounts = (tag: string, checkNames: readonly string[]): void => {
    for (const reason of K6_NOT_SENT_REASONS)
      thresholds[`${K6_JOURNEY_METRICS.notSent}{${tag},reason:${reason}}`] = [CARRIERS.counter]
    for (const check of checkNames) thresholds[`checks{${tag},check:${check}}`] = [CARRIERS.rate]
  }
  for (const name of endpoints) {
    carry(`name:${name}`)
    carryCounts(`name:${name}`, checks.byStep.get(name) ?? [])
    for (const type of K6_STEP_ERROR_TYPES)
      thresholds[`${K6_JOURNEY_METRICS.stepErrors}{name:${name},type:${type}}`] = [CARRIERS.counter]
  }
  for (const name of scenarios) {
    carry(`scenario:${name}`)
    carryCounts(`scenario:${name}`, checks.byScenario.get(name) ?? [])
    // k6 counts bytes per VU's scenario, not per request: there is no data_received{name:…}.
    thresholds[`data_received{scenario:${name}}`] = [CARRIERS.counter]
    thresholds[`${K6_JOURNEY_METRICS.completed}{scenario:${name}}`] = [CARRIERS.counter]
    thresholds[`${K6_JOURNEY_METRICS.failed}{scenario:${name}}`] = [CARRIERS.counter]
    thresholds[`${K6_JOURNEY_METRICS.duration}{scenario:${name}}`] = [CARRIERS.trend]
    thresholds[`${K6_JOURNEY_METRICS.onStartFailures}{scenario:${name}}`] = [CARRIERS.counter]
  }
  return thresholds
}

const CARRIERS = { trend: 'max>=0', counter: 'count>=0', rate: 'rate>=0' } as const
const CARRIER_EXPRESSIONS = new Set<string>(Object.values(CARRIERS))

/** True for a threshold perfspec added only so k6 reports a sub-metric. */
export function isCarrierThreshold(metric: string, expression: string): boolean {
  return metric.includes('{') && CARRIER_EXPRESSIONS.has(expression)
}

/** The data half of a journey script (validated with assertK6Journey). */
export function k6JourneySpec(
  options: Pick<ToolRunOptions, 'request' | 'shape'>,
  journey: ResolvedJourney,
  setup?: unknown,
): K6JourneySpec {
  const load = k6LoadOptions(options.shape)
  return {
    journey: scriptJourney(options.request.url, journey, setup),
    options: {
      ...load,
      // Captures read bodies; the script asks for them per step (responseType).
      discardResponseBodies: true,
      thresholds: carrierThresholds(
        endpointNamesOf(journey),
        journey.scenarios.map((scenario) => scenario.name),
        knownChecks(journey),
      ),
    },
    // An arrival-rate run has no VU of its own scenario: each iteration picks there, whatever the mix.
    split: options.shape.model === 'open' || journey.mix === 'per-iteration' ? 'iteration' : 'user',
    order: assignScenarios(journey.scenarios, MAX_ORDER),
    backoff: options.shape.model !== 'open',
  }
}

/** JSON as a JavaScript literal: JSON is an expression; U+2028/2029 are escaped for older parsers. */
function jsonLiteral(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The line of a journey script that holds its data; everything else is K6_JOURNEY_HEADER + K6_JOURNEY_CODE. */
export const K6_SPEC_PREFIX = 'const spec = '

export const K6_JOURNEY_HEADER = `// Generated by perfspec: a journey for k6. The journey is the JSON value \`spec\` (data, never code).
import http from 'k6/http'
import { check, sleep } from 'k6'
import encoding from 'k6/encoding'
import exec from 'k6/execution'
import { SharedArray } from 'k6/data'
import { Counter, Trend } from 'k6/metrics'
`

/** A standalone k6 script: fixed code around the journey's one JSON literal. */
export function renderK6JourneyScript(spec: K6JourneySpec): string {
  return `${K6_JOURNEY_HEADER}\n${K6_SPEC_PREFIX}${jsonLiteral(spec)}\n${K6_JOURNEY_CODE}`
}
