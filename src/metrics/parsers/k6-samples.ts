import type {
  CustomMetric,
  EndpointMetrics,
  ErrorType,
  GroupMetrics,
  LoadMetrics,
  NotSentReason,
  ScenarioMetrics,
} from '../../foundation/model/index.ts'
import type { CustomMetricType, HttpMethod } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { MetricsCollector } from '../collector.ts'
import { CustomMetrics } from '../custom-metrics.ts'
import { K6_ERROR_RULES } from './k6-error-codes.ts'
import { K6_JOURNEY_METRICS } from './k6-journey-metrics.ts'

/**
 * The k6 metrics a code iteration's shim records beside k6's own: one per custom metric type (k6 declares
 * metrics in its init context only, before the code names them), tagged `metric` with the code's name.
 */
export const K6_CUSTOM_METRICS: Readonly<Record<CustomMetricType, string>> = {
  trend: 'perfspec_custom_trend',
  counter: 'perfspec_custom_counter',
  rate: 'perfspec_custom_rate',
  gauge: 'perfspec_custom_gauge',
}

/** The system tags a code iteration's run asks k6 to write on each sample: what K6SampleReader reads. */
export const K6_SAMPLE_SYSTEM_TAGS = [
  'name',
  'group',
  'check',
  'method',
  'status',
  'error',
  'error_code',
  'expected_response',
]

/** What a code iteration's k6 run measured, read from its samples (k6's `--out json`). */
export interface K6SampleResults {
  metrics: LoadMetrics
  endpoints: Record<string, EndpointMetrics>
  scenario: ScenarioMetrics
  groups: Record<string, GroupMetrics> | undefined
}

interface Sample {
  metric: string
  value: number
  time: string
  tags: Record<string, string>
}

interface Endpoint {
  method: HttpMethod
  path: string
  collector: MetricsCollector
}

interface Group {
  collector: MetricsCollector
  durations: MetricsCollector
  count: number
}

const CUSTOM_TYPES = new Map(
  Object.entries(K6_CUSTOM_METRICS).map(([type, metric]) => [metric, type as CustomMetricType]),
)

/** A failed request's perfspec error type: its status, else k6's `error_code` (K6_ERROR_RULES). */
function errorTypeOf(status: number, code: number, error: string): ErrorType {
  if (status !== 0) return status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'unexpected_status'
  for (const rule of K6_ERROR_RULES) {
    if (code < rule.from || code > rule.to) continue
    if (rule.errorPattern === null || new RegExp(rule.errorPattern).test(error)) return rule.type
  }
  return 'other'
}

/**
 * Reads a code iteration's k6 samples line by line (k6's JSON output) into perfspec's results: the run, its
 * endpoints (the `name` tag), its groups (the `group` tag, k6's `::a::b` as `a::b`), checks, requests never
 * sent, iterations and custom metrics. Pure: lines in, results out.
 */
export class K6SampleReader {
  // The collectors' clock stands still: durations are set once, from the run's length, in results().
  private clock = 0
  private readonly now = (): number => this.clock
  private readonly run = this.collector()
  private readonly endpoints = new Map<string, Endpoint>()
  private readonly groups = new Map<string, Group>()
  private readonly iterationTimes = this.collector()
  private readonly custom = new CustomMetrics()
  private readonly gauges: { name: string; time: number; value: number }[] = []
  private readonly iterations = { completed: 0, failed: 0, onStartFailures: 0 }

  /** `named`: endpoints the run's thresholds name, reported (without requests) when the code sent none. */
  constructor(named: readonly string[] = []) {
    for (const name of named)
      this.endpoints.set(name, { method: 'GET', path: '(not requested)', collector: this.collector() })
  }

  private collector(): MetricsCollector {
    const collector = new MetricsCollector({ timeline: false, now: this.now })
    collector.startAt(0)
    return collector
  }

  /** Adds one line of k6's JSON output (metric declarations and blank lines are skipped). */
  add(line: string): void {
    if (!line.includes('"Point"')) return
    const parsed = JSON.parse(line) as { type?: string; metric?: string; data?: Partial<Sample> }
    const { data } = parsed
    if (parsed.type !== 'Point' || parsed.metric === undefined || data === undefined) return
    this.sample({
      metric: parsed.metric,
      value: Number(data.value),
      time: String(data.time ?? ''),
      tags: data.tags ?? {},
    })
  }

  private sample({ metric, value, time, tags }: Sample): void {
    const group = tags['group'] === undefined ? '' : tags['group'].replace(/^::/, '')
    switch (metric) {
      case 'http_req_duration':
        this.request(value, tags, group)
        return
      case 'data_received':
        this.run.recordBytes(value)
        return
      case 'checks':
        for (const collector of this.collectorsOf(tags['name'], group))
          collector.recordCheck(tags['check'] ?? '', value !== 0)
        return
      case 'group_duration':
        if (group === '') return
        this.group(group).durations.recordResponseTime(value)
        this.group(group).count++
        return
      case K6_JOURNEY_METRICS.notSent:
        for (const collector of this.collectorsOf(tags['name'], ''))
          collector.recordNotSent((tags['reason'] ?? 'step_function') as NotSentReason, tags['message'] ?? '')
        return
      case K6_JOURNEY_METRICS.completed:
        this.iterations.completed += value
        return
      case K6_JOURNEY_METRICS.failed:
        this.iterations.failed += value
        return
      case K6_JOURNEY_METRICS.onStartFailures:
        this.iterations.onStartFailures += value
        return
      case K6_JOURNEY_METRICS.duration:
        this.iterationTimes.recordResponseTime(value)
        return
    }
    const type = CUSTOM_TYPES.get(metric)
    const name = tags['metric']
    if (type === undefined || name === undefined) return
    if (type === 'gauge') this.gauges.push({ name, time: Date.parse(time), value })
    // A rate's sample is 1 or 0, as k6 writes it.
    else this.custom.get(name, type).add(value)
  }

  private request(ms: number, tags: Record<string, string>, group: string): void {
    const name = tags['name'] ?? ''
    const known = this.endpoints.get(name)
    const method = (tags['method'] ?? 'GET') as HttpMethod
    if (known === undefined)
      this.endpoints.set(name, { method, path: tags['path'] ?? '', collector: this.collector() })
    else if (known.path === '(not requested)') Object.assign(known, { method, path: tags['path'] ?? '' })
    const status = Number(tags['status'] ?? 0)
    const failed = tags['expected_response'] === 'false'
    const type = failed
      ? errorTypeOf(status, Number(tags['error_code'] ?? 0), tags['error'] ?? '')
      : undefined
    for (const collector of this.collectorsOf(name, group)) {
      if (status !== 0) collector.recordStatus(status)
      if (type === undefined) collector.recordResponseTime(ms)
      else collector.recordError(type, tags['error'] || `status ${status}`, status === 0 ? undefined : ms)
    }
  }

  /** The run's collector, a named endpoint's (when it sent a request), and a group's. */
  private collectorsOf(name: string | undefined, group: string): MetricsCollector[] {
    const collectors = [this.run]
    const endpoint = name === undefined ? undefined : this.endpoints.get(name)
    if (endpoint !== undefined) collectors.push(endpoint.collector)
    if (group !== '') collectors.push(this.group(group).collector)
    return collectors
  }

  private group(path: string): Group {
    let group = this.groups.get(path)
    if (group === undefined) {
      group = { collector: this.collector(), durations: this.collector(), count: 0 }
      this.groups.set(path, group)
    }
    return group
  }

  /** The results, over a run of `durationMs` (k6's own length of the run). */
  results(durationMs: number): K6SampleResults {
    this.clock = durationMs
    const collectors = [this.run, this.iterationTimes, ...this.endpoints.values()].map((item) =>
      item instanceof MetricsCollector ? item : item.collector,
    )
    for (const group of this.groups.values()) collectors.push(group.collector, group.durations)
    for (const collector of collectors) collector.stop()
    // A gauge keeps its last value: the samples of several VUs come in batches, not in time order.
    for (const { name, value } of [...this.gauges].sort((a, b) => a.time - b.time))
      this.custom.get(name, 'gauge').add(value)
    const metrics = this.run.getMetrics()
    const custom: Record<string, CustomMetric> | undefined = this.custom.results(durationMs)
    if (custom !== undefined) metrics.custom = custom
    const endpoints: Record<string, EndpointMetrics> = {}
    for (const [name, { method, path, collector }] of this.endpoints)
      setOwn(endpoints, name, { ...collector.getMetrics(), method, path, timeline: [] })
    let groups: Record<string, GroupMetrics> | undefined
    for (const [path, { collector, durations, count }] of this.groups) {
      groups ??= {}
      setOwn(groups, path, {
        count,
        duration: durations.getMetrics().responseTimes,
        metrics: collector.getMetrics(),
      })
    }
    return {
      metrics,
      endpoints,
      groups,
      scenario: {
        iterations: this.iterations.completed,
        failedIterations: this.iterations.failed,
        iterationDuration: this.iterationTimes.getMetrics().responseTimes,
        onStartFailures: this.iterations.onStartFailures,
        metrics: this.run.getMetrics(),
      },
    }
  }
}
