export { ApacheBenchAdapter } from './adapters/ab.ts'
export type { AdapterRun, LoadAdapter } from './adapters/adapter.ts'
export { availableTools, chooseTool } from './adapters/index.ts'
export { K6Adapter } from './adapters/k6.ts'
export { LocustAdapter } from './adapters/locust.ts'
export { NativeAdapter } from './adapters/native.ts'
export type { ClientLoadTestOptions, PerformanceClientOptions } from './client.ts'
export { PerformanceClient } from './client.ts'
export { formatDurationForTool, parseDuration } from './duration.ts'
export type { PerfErrorCode } from './errors.ts'
export {
  BaselineError,
  ClientClosedError,
  InvalidConfigError,
  InvalidOptionError,
  InvalidThresholdError,
  isPerfError,
  ParseError,
  PerfError,
  ToolFailedError,
  ToolNotFoundError,
  UnsupportedOptionError,
} from './errors.ts'
export { loadTest } from './load-test.ts'
export type { MetricsCollectorOptions } from './metrics/collector.ts'
export { MetricsCollector } from './metrics/collector.ts'
export type { ParsedThreshold } from './metrics/thresholds.ts'
export { evaluateThresholds, parseThresholds } from './metrics/thresholds.ts'
export type { LoadDefaults, ResolvedLoadOptions } from './options.ts'
export { DEFAULTS, resolveLoadOptions } from './options.ts'
export type {
  CheckResponse,
  Duration,
  ErrorSummary,
  ErrorType,
  HttpMethod,
  K6Thresholds,
  LoadMetrics,
  LoadTestOptions,
  LoadTestResult,
  RateStage,
  RedactedOptions,
  ResponseTimeStats,
  SeedThresholds,
  ThresholdResult,
  Thresholds,
  TimelinePoint,
  ToolChoice,
  ToolName,
} from './types.ts'
