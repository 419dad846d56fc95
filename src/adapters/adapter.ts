import type { ResolvedLoadOptions } from '../options.ts'
import type {
  GeneratorHealth,
  LoadMetrics,
  ResponseTimeStats,
  ThresholdResult,
  TimelinePoint,
  ToolName,
} from '../types.ts'

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
  /** Verdicts of the tool's own thresholds (k6 scripts): they decide `success` too. */
  toolThresholds?: ThresholdResult[]
}

/** A load generator perfspec can drive. */
export interface LoadAdapter {
  readonly name: ToolName
  /** True when the tool can run here (binary found). The native engine always can. */
  isAvailable(): Promise<boolean>
  /** The tool's version, or undefined when not installed. */
  version(): Promise<string | undefined>
  /** Runs one load test. Must honour `options.signal` and never leave processes behind. */
  run(options: ResolvedLoadOptions): Promise<AdapterRun>
}
