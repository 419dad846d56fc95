import { UnsupportedOptionError } from '../../foundation/errors.ts'
import {
  K6_JOURNEY_METRICS,
  K6_NOT_SENT_REASONS,
  K6_STEP_ERROR_TYPES,
} from '../../metrics/parsers/k6-journey-metrics.ts'
import { DEFAULT_SCENARIO, endpointNamesOf, type ResolvedJourney } from '../../options/journey/resolve.ts'
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
import { type K6Failures, type K6Options, k6Failures, k6LoadOptions } from './k6-script.ts'
import { k6AbortThresholds, mergeK6Thresholds } from './k6-thresholds.ts'

/** What every VU of a generated journey script reads: the journey as data, k6's options, how VUs pick. */
export interface K6JourneySpec {
  /** The journey without its data rows (K6Journey.rows): read by every VU. */
  journey: Omit<ScriptJourney, 'data'>
  options: K6Options
  /** `user`: a VU keeps the scenario its index picks (`mix: 'per-user'`); `iteration`: each iteration picks. */
  split: 'user' | 'iteration'
  /** How many slots of the scenario order (by weight) the script computes: a VU or iteration index wraps at it. */
  orderLength: number
  /** The closed model: a VU whose step was never sent backs off before its next iteration (as native's). */
  backoff: boolean
  failures: K6Failures
}

/** A generated journey script's data: the spec, and the data rows that k6 reads once (a SharedArray). */
export interface K6Journey {
  spec: K6JourneySpec
  rows: readonly Record<string, unknown>[]
}

// The order repeats after the weights' sum; a longer one only repeats itself.
const MAX_ORDER = 100_000

// k6 splits a sub-metric's tags at commas and trims spaces and quotes from a value.
const K6_UNTAGGABLE = /,|^[\s'"]|[\s'"]$/

/**
 * The most endpoints and scenarios a k6 journey reports: k6 matches every sample against each tagged
 * sub-metric (about 8 per name), so a run slows with their number. 1,000 endpoints made a 1 s run last 13 s;
 * 10,000 were killed after a minute.
 */
export const K6_MAX_TAGGED_NAMES = 1_000

/** Throws UnsupportedOptionError for a journey k6 cannot run or report per endpoint. */
export function assertK6Journey(shape: LoadShape, journey: ResolvedJourney): void {
  assertScriptable('k6', journey)
  if (shape.requests !== undefined) {
    throw new UnsupportedOptionError('k6', 'requests', 'k6 counts journeys, not requests: use `duration`')
  }
  const names = endpointNamesOf(journey).length + journey.scenarios.length
  if (names > K6_MAX_TAGGED_NAMES) {
    const single = journey.scenarios.length === 1 && journey.scenarios[0]?.name === DEFAULT_SCENARIO
    throw new UnsupportedOptionError(
      'k6',
      single ? 'steps' : 'scenarios',
      `k6 reports at most ${K6_MAX_TAGGED_NAMES} endpoints (step names) and scenarios in all, and this journey ` +
        `has ${names}: give steps that are one endpoint the same \`name\``,
    )
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

/**
 * The data of a journey script (validated with assertK6Journey). k6 itself watches the `abortOnFail`
 * thresholds, tagged ones too; the others are judged by perfspec on the parsed results.
 */
export function k6Journey(
  options: Pick<ToolRunOptions, 'request' | 'shape' | 'thresholds'>,
  journey: ResolvedJourney,
  setup?: unknown,
): K6Journey {
  const { data, ...rest } = scriptJourney(options.request.url, journey, setup)
  const closed = options.shape.model === 'closed'
  // An arrival-rate run has no VU of its own scenario: each iteration picks there, whatever the mix.
  const split = closed && journey.mix === 'per-user' ? 'user' : 'iteration'
  return {
    spec: {
      journey: rest,
      options: {
        ...k6LoadOptions(options.shape),
        // Captures and checks read bodies; the script asks for them per step (responseType).
        discardResponseBodies: true,
        thresholds: mergeK6Thresholds(
          carrierThresholds(
            endpointNamesOf(journey),
            journey.scenarios.map((scenario) => scenario.name),
            knownChecks(journey),
          ),
          k6AbortThresholds(options.thresholds),
        ),
      },
      split,
      // A per-user split's slot is a VU's index: its users are all the slots it needs.
      orderLength: split === 'user' ? Math.min(options.shape.users, MAX_ORDER) : MAX_ORDER,
      backoff: closed,
      failures: k6Failures(),
    },
    rows: data,
  }
}

/** The files of a journey run: the script, and beside it the spec (JSON) and the rows (a JSON text a line). */
export const K6_JOURNEY_FILES = {
  script: 'perfspec-journey.js',
  spec: 'perfspec-journey.json',
  rows: 'perfspec-journey-rows.jsonl',
} as const

export const K6_JOURNEY_HEADER = `// Generated by perfspec: a journey for k6. The journey is JSON data (\`spec\` and its rows), never code.
// CommonJS: k6 compiles it as it is, where an ES module goes through Babel first (slow on a large script).
const http = require('k6/http')
const { check, sleep } = require('k6')
const encoding = require('k6/encoding')
const exec = require('k6/execution')
const { SharedArray } = require('k6/data')
const { Counter, Trend } = require('k6/metrics')
`

/** The data rows as lines: JSON.stringify writes no raw line feed, so a line is one row. */
function rowLines(rows: readonly Record<string, unknown>[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n')
}

/** Text as a JavaScript string literal (JSON's); U+2028/2029 escaped for older parsers. */
function stringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Where a script finds its data: the files beside it (a run), or two string literals in it (an export). */
export const K6_JOURNEY_SOURCES = {
  files: `const spec = JSON.parse(open('./${K6_JOURNEY_FILES.spec}'))
const rowLines = () => open('./${K6_JOURNEY_FILES.rows}')
`,
  embedded: (journey: K6Journey) => `const spec = JSON.parse(${stringLiteral(JSON.stringify(journey.spec))})
const rowLines = () => ${stringLiteral(rowLines(journey.rows))}
`,
}

/**
 * A journey run's files: fixed code that reads the spec and the rows from the files beside it with k6's
 * `open()`, so k6's start does not grow with the data (JSON.parse, not compiled source).
 */
export function renderK6JourneyFiles(journey: K6Journey): Record<keyof typeof K6_JOURNEY_FILES, string> {
  return {
    script: `${K6_JOURNEY_HEADER}\n${K6_JOURNEY_SOURCES.files}${K6_JOURNEY_CODE}`,
    spec: JSON.stringify(journey.spec),
    rows: rowLines(journey.rows),
  }
}

/**
 * A standalone k6 script: the same code, the spec and rows in two string literals that k6 parses as JSON
 * (a string literal compiles fast where an object literal of the same size does not).
 */
export function renderK6JourneyScript(journey: K6Journey): string {
  return `${K6_JOURNEY_HEADER}\n${K6_JOURNEY_SOURCES.embedded(journey)}${K6_JOURNEY_CODE}`
}
