import { InvalidThresholdError } from '../foundation/errors.ts'
import type {
  CustomMetric,
  LoadMetrics,
  ResponseTimeStats,
  ThresholdResult,
} from '../foundation/model/index.ts'
import type { Thresholds } from '../foundation/types.ts'
import { getOwn } from '../foundation/util/own-keys.ts'
import { requireDurationMs } from './duration.ts'

/** How a threshold compares the measured value with its limit. */
export type Comparison = '<' | '<=' | '>' | '>=' | '=='

/** The quantity a threshold reads from the metrics. */
export type ThresholdStat =
  | 'mean'
  | 'min'
  | 'max'
  | 'p50'
  | 'p75'
  | 'p90'
  | 'p95'
  | 'p99'
  | 'p999'
  | 'errorRatePercent'
  | 'errorFraction'
  | 'rps'
  | 'totalRequests'
  | 'checksFraction'
  /** A code iteration's custom metric: `ParsedThreshold.custom` says which, and how it is aggregated. */
  | 'custom'

/**
 * k6's tag of a sub-metric: one endpoint (`{name:order}`) or one scenario (`{scenario:buy}`) of a journey,
 * or one group of a code iteration (`group_duration{group:::checkout}`; `value` is the path without the
 * leading `::`).
 */
export interface ThresholdTag {
  kind: 'name' | 'scenario' | 'group'
  value: string
}

/** A threshold as data: read `stat` (of the tagged endpoint or scenario, when tagged), compare it with `limit`. */
export interface ParsedThreshold {
  expression: string
  stat: ThresholdStat
  comparison: Comparison
  limit: number
  tag?: ThresholdTag
  /** `group_duration{group:::…}`: the group's own durations, not the requests sent inside it. */
  groupDuration?: true
  /** A code iteration's custom metric (`cart_size: ['p(95)<10']`) and the aggregation asked of it. */
  custom?: { metric: string; aggregation: string }
  /** Stop the run as soon as this threshold is breached, looking first `delayMs` into the run. */
  abortOnFail?: { delayMs: number }
}

/** What a journey run measured per endpoint and per scenario, for tagged thresholds. */
export interface ThresholdBreakdown {
  endpoints?: Record<string, LoadMetrics> | undefined
  scenarios?: Record<string, { metrics: LoadMetrics }> | undefined
  /** A code iteration's groups: their completed runs' durations, and the requests sent inside each. */
  groups?: Record<string, { count: number; duration: ResponseTimeStats; metrics?: LoadMetrics }> | undefined
}

const TAGGED_KEY = /^([a-z_]+)\{\s*([a-z]+)\s*:\s*([^}]*?)\s*\}$/

/** Splits `'http_req_duration{name:order}'` into its metric and tag; undefined when the key has no tag. */
export function parseTaggedKey(key: string): { metric: string; tag: ThresholdTag } | undefined {
  const match = TAGGED_KEY.exec(key)
  if (match === null) return undefined
  const [, metric, kind, given] = match as unknown as [string, string, string, string]
  // k6 spells a group's path with a leading `::` (`{group:::checkout}`).
  const value = kind === 'group' ? given.replace(/^::/, '') : given
  if ((kind !== 'name' && kind !== 'scenario' && kind !== 'group') || value === '') {
    throw new InvalidThresholdError(
      `Unsupported tag in threshold \`${key}\`: expected one \`{name:<endpoint>}\`, \`{scenario:<scenario>}\` or \`{group:::<group>}\``,
    )
  }
  return { metric, tag: { kind, value } }
}

// `{ …, abortOnFail, delayAbortEval }`: k6's object form, and the seed names' `{ limit, … }`.
function readAbortOnFail(
  where: string,
  given: Record<string, unknown>,
  valueKey: 'threshold' | 'limit',
  key: string,
): { delayMs: number } | undefined {
  for (const key of Object.keys(given)) {
    if (key !== valueKey && key !== 'abortOnFail' && key !== 'delayAbortEval') {
      throw new InvalidThresholdError(
        `Unknown key \`${key}\` in threshold ${where}: use ${valueKey}, abortOnFail, delayAbortEval`,
      )
    }
  }
  const { abortOnFail, delayAbortEval } = given
  if (abortOnFail !== undefined && typeof abortOnFail !== 'boolean') {
    throw new InvalidThresholdError(`\`abortOnFail\` of threshold ${where} must be true or false`)
  }
  if (abortOnFail !== true) return undefined
  const delayMs =
    delayAbortEval === undefined
      ? 0
      : requireDurationMs(`thresholds.${key}.delayAbortEval`, delayAbortEval, { allowZero: true })
  return { delayMs }
}

const SEED_KEYS = {
  maxAvgResponseTimeMs: { stat: 'mean', comparison: '<=' },
  maxErrorRatePercent: { stat: 'errorRatePercent', comparison: '<=' },
  minThroughputRps: { stat: 'rps', comparison: '>=' },
  maxP95Ms: { stat: 'p95', comparison: '<=' },
  maxP99Ms: { stat: 'p99', comparison: '<=' },
} as const satisfies Record<string, { stat: ThresholdStat; comparison: Comparison }>

/** The percentiles a result carries, by the number users write (`95`, `99.9`). */
export const PERCENTILE_STATS: Record<string, ThresholdStat> = {
  '50': 'p50',
  '75': 'p75',
  '90': 'p90',
  '95': 'p95',
  '99': 'p99',
  '99.9': 'p999',
}

// k6 metric → the aggregations it accepts, mapped onto our stats.
/** A duration's aggregation (k6's `avg`, `min`, `max`, `med`, `p(N)`) as the stat it reads; undefined when none. */
function durationStat(aggregation: string): ThresholdStat | undefined {
  if (aggregation === 'avg') return 'mean'
  if (aggregation === 'min' || aggregation === 'max') return aggregation
  if (aggregation === 'med') return 'p50'
  const percentile = /^p\((\d+(?:\.\d+)?)\)$/.exec(aggregation)?.[1]
  return percentile === undefined ? undefined : PERCENTILE_STATS[percentile]
}

const K6_METRICS: Record<string, (aggregation: string) => ThresholdStat | undefined> = {
  http_req_duration: durationStat,
  // Only tagged with a group (`{group:::checkout}`): a code iteration's groups.
  group_duration: durationStat,
  http_req_failed: (aggregation) => (aggregation === 'rate' ? 'errorFraction' : undefined),
  http_reqs: (aggregation) =>
    aggregation === 'rate' ? 'rps' : aggregation === 'count' ? 'totalRequests' : undefined,
  checks: (aggregation) => (aggregation === 'rate' ? 'checksFraction' : undefined),
}

const EXPRESSION = /^\s*([a-z]+|p\(\d+(?:\.\d+)?\))\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/

function parseK6Threshold(metric: string, entry: unknown): ParsedThreshold {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return parseK6Expression(metric, entry)
  const given = entry as Record<string, unknown>
  const abortOnFail = readAbortOnFail(`for \`${metric}\``, given, 'threshold', metric)
  const parsed = parseK6Expression(metric, given['threshold'])
  if (abortOnFail !== undefined) parsed.abortOnFail = abortOnFail
  return parsed
}

function parseK6Expression(metric: string, expression: unknown): ParsedThreshold {
  if (typeof expression !== 'string') {
    throw new InvalidThresholdError(
      `Threshold for \`${metric}\` must be a string like 'p(95)<200', got ${typeof expression}`,
    )
  }
  const match = EXPRESSION.exec(expression)
  if (!match) {
    throw new InvalidThresholdError(
      `Malformed threshold '${expression}' for \`${metric}\`: expected '<aggregation><op><number>', e.g. 'p(95)<200'`,
    )
  }
  const [, aggregation, comparison, limit] = match as unknown as [string, string, Comparison, string]
  const stat = Object.hasOwn(K6_METRICS, metric) ? K6_METRICS[metric]?.(aggregation) : undefined
  if (stat === undefined) {
    throw new InvalidThresholdError(
      `Unsupported aggregation '${aggregation}' in threshold '${expression}' for \`${metric}\` ` +
        '(http_req_duration, group_duration: avg, min, max, med, p(50|75|90|95|99|99.9); http_req_failed/checks: rate; http_reqs: rate, count)',
    )
  }
  return { expression: `${metric}: ${expression.trim()}`, stat, comparison, limit: Number(limit) }
}

/** A custom metric's name, as a threshold key. */
const CUSTOM_METRIC_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

/** What a custom metric may be asked, whatever its type (the type is only known once the run recorded it). */
const CUSTOM_AGGREGATIONS = /^(avg|min|max|med|count|rate|value|p\((50|75|90|95|99|99\.9)\))$/

function parseCustomThreshold(metric: string, entry: unknown): ParsedThreshold {
  const given = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : undefined
  if (given !== undefined && (given as Record<string, unknown>)['abortOnFail'] === true)
    throw new InvalidThresholdError(
      `\`abortOnFail\` cannot watch the custom metric \`${metric}\`: its values are only known at the end`,
    )
  const expression = given === undefined ? entry : (given as Record<string, unknown>)['threshold']
  const match = typeof expression === 'string' ? EXPRESSION.exec(expression) : null
  if (match === null || !CUSTOM_AGGREGATIONS.test(match[1]!)) {
    throw new InvalidThresholdError(
      `Malformed threshold '${String(expression)}' for the custom metric \`${metric}\`: expected ` +
        "'<aggregation><op><number>' with avg, min, max, med, p(50|75|90|95|99|99.9) (a trend), count or rate (a counter), rate (a rate), value, min or max (a gauge)",
    )
  }
  const [, aggregation, comparison, limit] = match as unknown as [string, string, Comparison, string]
  return {
    expression: `${metric}: ${(expression as string).trim()}`,
    stat: 'custom',
    comparison,
    limit: Number(limit),
    custom: { metric, aggregation },
  }
}

/** What parseThresholds accepts beyond the built-in metrics. */
export interface ThresholdParseOptions {
  /** A code iteration's custom metrics: any other metric name (`cart_size`) is one. @default false */
  customMetrics?: boolean
}

/** Parses both spellings (the seed's names and k6's language) into one list. Throws on unknown keys. */
export function parseThresholds(
  thresholds: Thresholds | undefined,
  { customMetrics = false }: ThresholdParseOptions = {},
): ParsedThreshold[] {
  if (thresholds === undefined) return []
  if (typeof thresholds !== 'object' || thresholds === null || Array.isArray(thresholds)) {
    throw new InvalidThresholdError('`thresholds` must be an object')
  }
  const parsed: ParsedThreshold[] = []
  // Own keys only: `in` would take `__proto__` or `constructor` (from a YAML or JSON file) for known names.
  const isMetric = (name: string) => Object.hasOwn(K6_METRICS, name)
  for (const [key, value] of Object.entries(thresholds)) {
    if (value === undefined) continue
    if (Object.hasOwn(SEED_KEYS, key)) {
      const given =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
      const limit = given === undefined ? value : given['limit']
      if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) {
        throw new InvalidThresholdError(
          `Threshold \`${key}\` must be a non-negative number (or { limit, abortOnFail }), got ${String(limit)}`,
        )
      }
      const { stat, comparison } = SEED_KEYS[key as keyof typeof SEED_KEYS]
      const threshold: ParsedThreshold = { expression: `${key}: ${limit}`, stat, comparison, limit }
      const abortOnFail = given === undefined ? undefined : readAbortOnFail(`\`${key}\``, given, 'limit', key)
      if (abortOnFail !== undefined) threshold.abortOnFail = abortOnFail
      parsed.push(threshold)
    } else if (isMetric(key)) {
      if (key === 'group_duration')
        throw new InvalidThresholdError(
          '`group_duration` judges one group: `group_duration{group:::checkout}` (a code iteration’s `vu.group`)',
        )
      const entries: unknown[] = Array.isArray(value) ? value : [value]
      for (const entry of entries) parsed.push(parseK6Threshold(key, entry))
    } else if (parseTaggedKey(key) !== undefined && isMetric(parseTaggedKey(key)!.metric)) {
      const { metric, tag } = parseTaggedKey(key)!
      if (metric === 'group_duration' && tag.kind !== 'group')
        throw new InvalidThresholdError(
          `Unsupported tag in threshold \`${key}\`: \`group_duration\` takes a group (\`group_duration{group:::name}\`)`,
        )
      const entries: unknown[] = Array.isArray(value) ? value : [value]
      for (const entry of entries) {
        const threshold = parseK6Threshold(metric, entry)
        if (tag.kind === 'group' && threshold.abortOnFail !== undefined)
          throw new InvalidThresholdError(
            `\`abortOnFail\` cannot watch '${key}' while the run goes on: a group's durations are only known at the end`,
          )
        parsed.push({
          ...threshold,
          expression: `${key}: ${threshold.expression.slice(metric.length + 2)}`,
          tag,
          ...(metric === 'group_duration' ? { groupDuration: true as const } : {}),
        })
      }
    } else if (customMetrics && CUSTOM_METRIC_KEY.test(key)) {
      const entries: unknown[] = Array.isArray(value) ? value : [value]
      for (const entry of entries) parsed.push(parseCustomThreshold(key, entry))
    } else {
      throw new InvalidThresholdError(
        `Unknown threshold \`${key}\`. Use ${Object.keys(SEED_KEYS).join(', ')}, or k6's ${Object.keys(K6_METRICS).join(', ')} ` +
          "(also tagged: 'http_req_duration{name:order}', 'http_reqs{scenario:buy}'), or with a code iteration the name of a custom metric",
      )
    }
  }
  return parsed
}

/** Every named check's runs added up: what the `checks` rate is made of. */
export function checkTotals(metrics: Pick<LoadMetrics, 'checks'>): { passes: number; fails: number } {
  let passes = 0
  let fails = 0
  for (const counts of Object.values(metrics.checks ?? {})) {
    passes += counts.passes
    fails += counts.fails
  }
  return { passes, fails }
}

/** The note of a `checks` threshold with no check to judge. */
export const NO_CHECK_RAN = 'no check ran: give steps `checks` (or a `check` function) for it to judge'

/** True when a threshold has something to judge: some request, and for the check rate some check. */
function judgeable(metrics: LoadMetrics, stat: ThresholdStat): boolean {
  if (stat !== 'checksFraction') return metrics.totalRequests > 0
  const { passes, fails } = checkTotals(metrics)
  return passes + fails > 0
}

/** Reads one stat from metrics. */
export function readStat(metrics: LoadMetrics, stat: ThresholdStat): number {
  switch (stat) {
    case 'errorRatePercent':
      return metrics.errorRatePercent
    case 'errorFraction':
      return metrics.errorRatePercent / 100
    case 'rps':
      return metrics.rps
    case 'totalRequests':
      return metrics.totalRequests
    case 'checksFraction': {
      const { passes, fails } = checkTotals(metrics)
      return passes + fails === 0 ? 0 : passes / (passes + fails)
    }
    case 'custom':
      // Read from `metrics.custom` by evaluateThresholds, with the threshold's aggregation.
      return Number.NaN
    default:
      return metrics.responseTimes[stat]
  }
}

function compare(actual: number, comparison: Comparison, limit: number): boolean {
  switch (comparison) {
    case '<':
      return actual < limit
    case '<=':
      return actual <= limit
    case '>':
      return actual > limit
    case '>=':
      return actual >= limit
    case '==':
      return actual === limit
  }
}

/** The names a run's endpoints and scenarios have, as a message lists them. */
function knownNames(breakdown: ThresholdBreakdown, kind: ThresholdTag['kind']): string {
  const names = Object.keys(
    (kind === 'name' ? breakdown.endpoints : kind === 'group' ? breakdown.groups : breakdown.scenarios) ?? {},
  )
  return names.length === 0 ? 'none: the run has no journey' : names.map((name) => `'${name}'`).join(', ')
}

/** The metrics a tagged threshold judges; throws when the run has no such endpoint or scenario. */
export function taggedMetrics(
  tag: ThresholdTag,
  breakdown: ThresholdBreakdown,
  expression: string,
): LoadMetrics {
  if (tag.kind === 'group') {
    throw new InvalidThresholdError(
      `Threshold \`${expression}\` names the group '${tag.value}': groups are a code iteration's (\`vu.group\`)`,
    )
  }
  const metrics =
    tag.kind === 'name'
      ? getOwn(breakdown.endpoints, tag.value)
      : getOwn(breakdown.scenarios, tag.value)?.metrics
  if (metrics === undefined) {
    const noun = tag.kind === 'name' ? 'endpoint' : 'scenario'
    throw new InvalidThresholdError(
      `Threshold \`${expression}\` names the ${noun} '${tag.value}', which the run does not have ` +
        `(${noun}s: ${knownNames(breakdown, tag.kind)})`,
    )
  }
  return metrics
}

/** True when `actual` meets the threshold's limit. */
export function meetsThreshold(threshold: ParsedThreshold, actual: number): boolean {
  return compare(actual, threshold.comparison, threshold.limit)
}

/**
 * Evaluates parsed thresholds against metrics; a tagged one against its endpoint's or scenario's. A run
 * (or endpoint) with no requests fails every threshold, and one in which no check ran fails a `checks`
 * threshold, each with a note saying so.
 */
export function evaluateThresholds(
  thresholds: readonly ParsedThreshold[],
  metrics: LoadMetrics,
  breakdown: ThresholdBreakdown = {},
): ThresholdResult[] {
  return thresholds.map(({ expression, stat, comparison, limit, tag, custom, groupDuration }) => {
    if (custom !== undefined) return evaluateCustom(expression, custom, comparison, limit, metrics)
    let judged: LoadMetrics
    if (tag?.kind === 'group') {
      const group = getOwn(breakdown.groups, tag.value)
      if (groupDuration === true) {
        if (group === undefined || group.count === 0)
          return { expression, actual: 0, passed: false, note: `the group '${tag.value}' never completed` }
        const actual = group.duration[stat as keyof ResponseTimeStats]
        return { expression, actual, passed: compare(actual, comparison, limit) }
      }
      // k6's `http_req_duration{group:::a}`: the requests sent inside the group, not in a group nested in it.
      if (group?.metrics === undefined)
        return { expression, actual: 0, passed: false, note: `the group '${tag.value}' never ran` }
      judged = group.metrics
    } else judged = tag === undefined ? metrics : taggedMetrics(tag, breakdown, expression)
    const actual = readStat(judged, stat)
    if (judgeable(judged, stat)) return { expression, actual, passed: compare(actual, comparison, limit) }
    // A rate of no checks is no evidence: it fails, saying so.
    return stat === 'checksFraction'
      ? { expression, actual, passed: false, note: NO_CHECK_RAN }
      : { expression, actual, passed: false }
  })
}

/** What a custom metric of a type answers to an aggregation; undefined when that type has no such one. */
function customValue(metric: CustomMetric, aggregation: string): number | undefined {
  switch (metric.type) {
    case 'trend': {
      const stat = durationStat(aggregation)
      return stat === undefined ? undefined : metric[stat as keyof ResponseTimeStats & keyof typeof metric]
    }
    case 'counter':
      return aggregation === 'count' ? metric.count : aggregation === 'rate' ? metric.rate : undefined
    case 'rate':
      return aggregation === 'rate' ? metric.rate : undefined
    case 'gauge':
      return aggregation === 'value' || aggregation === 'min' || aggregation === 'max'
        ? metric[aggregation]
        : undefined
  }
}

function evaluateCustom(
  expression: string,
  { metric: name, aggregation }: { metric: string; aggregation: string },
  comparison: Comparison,
  limit: number,
  metrics: LoadMetrics,
): ThresholdResult {
  const metric = getOwn(metrics.custom, name)
  const recorded =
    metric === undefined
      ? 0
      : metric.type === 'rate'
        ? metric.passes + metric.fails
        : metric.type === 'trend'
          ? metric.count
          : 1
  if (metric === undefined || recorded === 0)
    return { expression, actual: 0, passed: false, note: `no value of '${name}' was recorded` }
  const actual = customValue(metric, aggregation)
  if (actual === undefined) {
    const note = `'${name}' is a ${metric.type}: it has no '${aggregation}'`
    return { expression, actual: 0, passed: false, note }
  }
  return { expression, actual, passed: compare(actual, comparison, limit) }
}

/**
 * Checks tagged thresholds against the endpoint and scenario names a journey is known to have before it
 * runs: a typo is an InvalidThresholdError before any traffic.
 */
export function checkThresholdTags(
  thresholds: readonly ParsedThreshold[],
  names: { endpoints: readonly string[]; scenarios: readonly string[] },
): void {
  const known: ThresholdBreakdown = {
    endpoints: Object.fromEntries(names.endpoints.map((name) => [name, {} as LoadMetrics])),
    scenarios: Object.fromEntries(names.scenarios.map((name) => [name, { metrics: {} as LoadMetrics }])),
  }
  for (const { tag, expression } of thresholds) if (tag !== undefined) taggedMetrics(tag, known, expression)
}

/** Merges threshold layers key by key; a later layer's key replaces an earlier one's. */
export function mergeThresholds(...layers: (Thresholds | undefined)[]): Thresholds | undefined {
  const present = layers.filter((layer): layer is Thresholds => layer !== undefined)
  if (present.length <= 1) return present[0]
  // Entries, not Object.assign: an own `__proto__` key stays a key (and is refused as unknown) rather than
  // becoming the merged object's prototype, which would hide every threshold of its layer.
  return Object.fromEntries(present.flatMap((layer) => Object.entries(layer))) as Thresholds
}
