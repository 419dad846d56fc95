import type {
  EndpointMetrics,
  GroupMetrics,
  ScenarioMetrics,
  TimelinePoint,
} from '../../foundation/model/index.ts'
import type { HttpMethod } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { type CollectorSnapshot, type IntervalSummary, MetricsCollector } from '../../metrics/collector.ts'
import { CustomMetrics, type CustomSnapshot } from '../../metrics/custom-metrics.ts'
import { encodeHistogram } from '../../metrics/histogram.ts'
import type { ResolvedJourney, ResolvedStep } from '../../options/journey/resolve.ts'

/** One second of an endpoint in a worker thread, its histogram encoded (what TimelineMerger.add takes). */
export interface EncodedInterval {
  requests: number
  errors: number
  activeUsers: number
  histogram: string
}

/** One endpoint (step name): its collector with its own per-second timeline. */
export interface EndpointStats {
  name: string
  method: HttpMethod
  path: string
  collector: MetricsCollector
  /** In a worker thread: each second's interval, for the parent's exact timeline merge. */
  intervals: EncodedInterval[] | undefined
}

/** One scenario: its requests' collector, its iteration durations and counts. */
export interface ScenarioStats {
  name: string
  collector: MetricsCollector
  /** Journey durations of completed iterations, as "response times". */
  iterationTimes: MetricsCollector
  iterations: number
  failedIterations: number
  onStartFailures: number
}

/** One `vu.group` of a code iteration: its requests' collector, and its completed runs' durations. */
export interface GroupStats {
  collector: MetricsCollector
  durations: MetricsCollector
  count: number
}

/** What a worker thread measured per endpoint and scenario; merges exactly in the parent. */
export interface JourneySnapshot {
  endpoints: {
    name: string
    method: HttpMethod
    path: string
    snapshot: CollectorSnapshot
    intervals: EncodedInterval[]
  }[]
  scenarios: {
    name: string
    snapshot: CollectorSnapshot
    iterationTimes: CollectorSnapshot
    iterations: number
    failedIterations: number
    onStartFailures: number
  }[]
  /** A code iteration's groups, by path. */
  groups: { path: string; snapshot: CollectorSnapshot; durations: CollectorSnapshot; count: number }[]
  /** A code iteration's custom metrics. */
  custom: CustomSnapshot[]
}

/** The most endpoints a code iteration may name: past it, a request is refused (give requests a `name`). */
export const MAX_CODE_ENDPOINTS = 1000

/** The path of an endpoint a threshold named and the code never requested. */
const NOT_REQUESTED = '(not requested)'

function pathOf(step: ResolvedStep): string {
  return typeof step.path === 'function' ? '(function)' : step.path
}

/**
 * The collectors of a journey run: one per endpoint, one per scenario. A code iteration's endpoints are
 * made as it names them (`endpoint()`), at most MAX_CODE_ENDPOINTS.
 */
export class JourneyStats {
  readonly endpoints = new Map<string, EndpointStats>()
  readonly scenarios = new Map<string, ScenarioStats>()
  /** A code iteration's groups, by path, made as the code runs them. */
  readonly groups = new Map<string, GroupStats>()
  /** A code iteration's custom metrics. */
  readonly custom = new CustomMetrics()
  private readonly inWorker: boolean
  /** When start() ran (the collectors' clock); undefined before. */
  private startedAt: number | undefined

  constructor(journey: ResolvedJourney, { inWorker = false }: { inWorker?: boolean } = {}) {
    this.inWorker = inWorker
    for (const scenario of journey.scenarios) {
      this.scenarios.set(scenario.name, {
        name: scenario.name,
        collector: new MetricsCollector({ timeline: false }),
        iterationTimes: new MetricsCollector({ timeline: false }),
        iterations: 0,
        failedIterations: 0,
        onStartFailures: 0,
      })
      for (const step of [...scenario.onStart, ...scenario.steps]) {
        if (!this.endpoints.has(step.name)) this.addEndpoint(step.name, step.method, pathOf(step))
      }
    }
    for (const name of journey.iteration?.endpoints ?? []) {
      if (!this.endpoints.has(name)) this.addEndpoint(name, 'GET', NOT_REQUESTED)
    }
  }

  private addEndpoint(name: string, method: HttpMethod, path: string): EndpointStats {
    const intervals: EncodedInterval[] | undefined = this.inWorker ? [] : undefined
    const onInterval =
      intervals === undefined
        ? undefined
        : ({ requests, errors, activeUsers, histogram }: IntervalSummary) =>
            intervals.push({ requests, errors, activeUsers, histogram: encodeHistogram(histogram) })
    const endpoint: EndpointStats = {
      name,
      method,
      path,
      collector: new MetricsCollector(onInterval === undefined ? {} : { onInterval }),
      intervals,
    }
    this.endpoints.set(name, endpoint)
    return endpoint
  }

  /**
   * The endpoint `name`, made now (on the run's clock) when the run has none of that name yet; undefined
   * when the run already has MAX_CODE_ENDPOINTS.
   */
  endpoint(name: string, method: HttpMethod, path: string): EndpointStats | undefined {
    const known = this.endpoints.get(name)
    if (known !== undefined) {
      if (known.path === NOT_REQUESTED) {
        known.method = method
        known.path = path
      }
      return known
    }
    if (this.endpoints.size >= MAX_CODE_ENDPOINTS) return undefined
    const made = this.addEndpoint(name, method, path)
    if (this.startedAt !== undefined) made.collector.startAt(this.startedAt)
    return made
  }

  /** The group `path`, made now (on the run's clock) when the run has none of that path yet. */
  group(path: string): GroupStats {
    const known = this.groups.get(path)
    if (known !== undefined) return known
    const made: GroupStats = {
      collector: new MetricsCollector({ timeline: false }),
      durations: new MetricsCollector({ timeline: false }),
      count: 0,
    }
    const startedAt = this.startedAt ?? performance.now()
    made.collector.startAt(startedAt)
    made.durations.startAt(startedAt)
    this.groups.set(path, made)
    return made
  }

  /** The result's `groups`; undefined when no group ran. */
  groupMetrics(): Record<string, GroupMetrics> | undefined {
    if (this.groups.size === 0) return undefined
    const groups: Record<string, GroupMetrics> = {}
    for (const [path, { collector, durations, count }] of this.groups) {
      setOwn(groups, path, {
        count,
        duration: durations.getMetrics().responseTimes,
        metrics: collector.getMetrics(),
      })
    }
    return groups
  }

  start(): void {
    this.startedAt = performance.now()
    for (const endpoint of this.endpoints.values()) endpoint.collector.start()
    for (const scenario of this.scenarios.values()) {
      scenario.collector.start()
      scenario.iterationTimes.start()
    }
  }

  stop(): void {
    for (const group of this.groups.values()) {
      group.collector.stop()
      group.durations.stop()
    }
    for (const endpoint of this.endpoints.values()) endpoint.collector.stop()
    for (const scenario of this.scenarios.values()) {
      scenario.collector.stop()
      scenario.iterationTimes.stop()
    }
  }

  snapshot(): JourneySnapshot {
    return {
      endpoints: [...this.endpoints.values()].map(({ name, method, path, collector, intervals }) => ({
        name,
        method,
        path,
        snapshot: collector.snapshot(),
        intervals: intervals ?? [],
      })),
      scenarios: [...this.scenarios.values()].map((scenario) => ({
        name: scenario.name,
        snapshot: scenario.collector.snapshot(),
        iterationTimes: scenario.iterationTimes.snapshot(),
        iterations: scenario.iterations,
        failedIterations: scenario.failedIterations,
        onStartFailures: scenario.onStartFailures,
      })),
      groups: [...this.groups].map(([path, { collector, durations, count }]) => ({
        path,
        snapshot: collector.snapshot(),
        durations: durations.snapshot(),
        count,
      })),
      custom: this.custom.snapshot(),
    }
  }

  /** The result's `endpoints`; `timelines` replaces each endpoint's own (merged from worker threads). */
  endpointMetrics(timelines?: Map<string, TimelinePoint[]>): Record<string, EndpointMetrics> {
    const endpoints: Record<string, EndpointMetrics> = {}
    for (const { name, method, path, collector } of this.endpoints.values()) {
      setOwn(endpoints, name, {
        ...collector.getMetrics(),
        method,
        path,
        timeline: timelines?.get(name) ?? collector.getTimeline(),
      })
    }
    return endpoints
  }

  scenarioMetrics(): Record<string, ScenarioMetrics> {
    const scenarios: Record<string, ScenarioMetrics> = {}
    for (const scenario of this.scenarios.values()) {
      setOwn(scenarios, scenario.name, {
        iterations: scenario.iterations,
        failedIterations: scenario.failedIterations,
        iterationDuration: scenario.iterationTimes.getMetrics().responseTimes,
        onStartFailures: scenario.onStartFailures,
        metrics: scenario.collector.getMetrics(),
      })
    }
    return scenarios
  }

  /** Adds a worker thread's snapshot (this instance records nothing itself). */
  merge(snapshot: JourneySnapshot): void {
    for (const endpoint of snapshot.endpoints) {
      const merged =
        this.endpoints.get(endpoint.name) ?? this.addEndpoint(endpoint.name, endpoint.method, endpoint.path)
      merged.collector.merge(endpoint.snapshot)
    }
    for (const given of snapshot.scenarios) {
      const scenario = this.scenarios.get(given.name)
      if (scenario === undefined) continue
      scenario.collector.merge(given.snapshot)
      scenario.iterationTimes.merge(given.iterationTimes)
      scenario.iterations += given.iterations
      scenario.failedIterations += given.failedIterations
      scenario.onStartFailures += given.onStartFailures
    }
    for (const given of snapshot.groups) {
      let group = this.groups.get(given.path)
      if (group === undefined) {
        group = {
          collector: new MetricsCollector({ timeline: false }),
          durations: new MetricsCollector({ timeline: false }),
          count: 0,
        }
        this.groups.set(given.path, group)
      }
      group.collector.merge(given.snapshot)
      group.durations.merge(given.durations)
      group.count += given.count
    }
    this.custom.merge(snapshot.custom)
  }
}
