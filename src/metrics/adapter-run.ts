import type {
  AppCost,
  EndpointMetrics,
  GeneratorHealth,
  GroupMetrics,
  LoadMetrics,
  ResponseTimeStats,
  ScenarioMetrics,
  ThresholdResult,
  TimelinePoint,
} from '../foundation/model/load.ts'

/** What an engine or adapter hands back; `loadTest` turns it into a LoadTestResult. */
export interface AdapterRun {
  metrics: LoadMetrics
  timeline: TimelinePoint[]
  aborted: boolean
  warnings: string[]
  /** Open model: requests that were due but found every user busy. */
  droppedIterations?: number
  /** Open model: response times from when each request was sent (uncorrected). */
  serviceTimes?: ResponseTimeStats
  /** How busy the load generator itself was. */
  generator?: GeneratorHealth
  /** The native engine: what the app under test cost, or why that was not measured. */
  app?: AppCost
  /**
   * Verdicts of the run itself, beside the options' thresholds: a k6 script's own thresholds, a tool run that
   * made no request, a journey's teardown that did not complete. They decide `success` too.
   */
  toolThresholds?: ThresholdResult[]
  /** Journey runs: metrics per endpoint (step name). */
  endpoints?: Record<string, EndpointMetrics>
  /** Journey runs: metrics per scenario. */
  scenarios?: Record<string, ScenarioMetrics>
  /** Code iterations: each `vu.group` by its path. */
  groups?: Record<string, GroupMetrics>
}
