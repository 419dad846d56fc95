import { UnsupportedOptionError } from '../../foundation/errors.ts'
import { K6_JOURNEY_METRICS, K6_STEP_ERROR_TYPES } from '../../metrics/parsers/k6-journey-metrics.ts'
import { endpointNamesOf, type ResolvedJourney } from '../../options/journey/resolve.ts'
import { assignScenarios } from '../../options/journey/scenario-order.ts'
import type { LoadShape } from '../../options/shape.ts'
import type { ToolRunOptions } from '../adapter.ts'
import { assertScriptable, type ScriptJourney, scriptJourney, stepsWithOptions } from './journey-spec.ts'
import { K6_JOURNEY_CODE } from './k6-journey-code.ts'
import { type K6Options, k6LoadOptions } from './k6-script.ts'

/** What the generated journey script runs: the journey as data, k6's options, how VUs pick a scenario. */
export interface K6JourneySpec {
  journey: ScriptJourney
  options: K6Options
  /** `user`: a VU keeps the scenario its index picks (closed model); `iteration`: each iteration picks. */
  split: 'user' | 'iteration'
  /** Scenario index per slot (VU or iteration index modulo its length): the native engine's weighted order. */
  order: number[]
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
export function carrierThresholds(endpoints: string[], scenarios: string[]): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {}
  const carry = (tags: string): void => {
    thresholds[`http_req_duration{${tags}}`] = [CARRIERS.trend]
    thresholds[`http_reqs{${tags}}`] = [CARRIERS.counter]
    thresholds[`http_req_failed{${tags}}`] = [CARRIERS.rate]
  }
  for (const name of endpoints) {
    carry(`name:${name}`)
    for (const type of K6_STEP_ERROR_TYPES)
      thresholds[`${K6_JOURNEY_METRICS.stepErrors}{name:${name},type:${type}}`] = [CARRIERS.counter]
  }
  for (const name of scenarios) {
    carry(`scenario:${name}`)
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
      ),
    },
    split: options.shape.model === 'open' ? 'iteration' : 'user',
    order: assignScenarios(journey.scenarios, MAX_ORDER),
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
import { sleep } from 'k6'
import encoding from 'k6/encoding'
import exec from 'k6/execution'
import { SharedArray } from 'k6/data'
import { Counter, Trend } from 'k6/metrics'
`

/** A standalone k6 script: fixed code around the journey's one JSON literal. */
export function renderK6JourneyScript(spec: K6JourneySpec): string {
  return `${K6_JOURNEY_HEADER}\n${K6_SPEC_PREFIX}${jsonLiteral(spec)}\n${K6_JOURNEY_CODE}`
}
