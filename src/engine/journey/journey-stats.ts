import type { EndpointMetrics, ScenarioMetrics, TimelinePoint } from '../../foundation/model/index.ts'
import type { HttpMethod } from '../../foundation/types.ts'
import { setOwn } from '../../foundation/util/own-keys.ts'
import { type CollectorSnapshot, type IntervalSummary, MetricsCollector } from '../../metrics/collector.ts'
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
}

function pathOf(step: ResolvedStep): string {
  return typeof step.path === 'function' ? '(function)' : step.path
}

/** The collectors of a journey run: one per endpoint, one per scenario. */
export class JourneyStats {
  readonly endpoints = new Map<string, EndpointStats>()
  readonly scenarios = new Map<string, ScenarioStats>()

  constructor(journey: ResolvedJourney, { inWorker = false }: { inWorker?: boolean } = {}) {
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
        if (this.endpoints.has(step.name)) continue
        const intervals: EncodedInterval[] | undefined = inWorker ? [] : undefined
        const onInterval =
          intervals === undefined
            ? undefined
            : ({ requests, errors, activeUsers, histogram }: IntervalSummary) =>
                intervals.push({ requests, errors, activeUsers, histogram: encodeHistogram(histogram) })
        this.endpoints.set(step.name, {
          name: step.name,
          method: step.method,
          path: pathOf(step),
          collector: new MetricsCollector(onInterval === undefined ? {} : { onInterval }),
          intervals,
        })
      }
    }
  }

  start(): void {
    for (const endpoint of this.endpoints.values()) endpoint.collector.start()
    for (const scenario of this.scenarios.values()) {
      scenario.collector.start()
      scenario.iterationTimes.start()
    }
  }

  stop(): void {
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
    for (const endpoint of snapshot.endpoints)
      this.endpoints.get(endpoint.name)?.collector.merge(endpoint.snapshot)
    for (const given of snapshot.scenarios) {
      const scenario = this.scenarios.get(given.name)
      if (scenario === undefined) continue
      scenario.collector.merge(given.snapshot)
      scenario.iterationTimes.merge(given.iterationTimes)
      scenario.iterations += given.iterations
      scenario.failedIterations += given.failedIterations
      scenario.onStartFailures += given.onStartFailures
    }
  }
}
