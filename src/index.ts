// `perfspec`: what a test author uses. Load tests, stress tests, benchmarks and comparisons, the client,
// the matchers, the errors and the result model. Reports are in `perfspec/report`; adapters, the collector
// and the engine's parts in `perfspec/advanced`.

export { toK6Script, toLocustfile } from './adapters/export-script.ts'
export { availableTools } from './adapters/index.ts'
export { compareBenchmarks } from './bench/compare.ts'
export type { BenchmarkRunnerOptions } from './bench/runner.ts'
export { BenchmarkRunner } from './bench/runner.ts'
export type {
  CompareBenchmarksOptions,
  CompareFunctionsOptions,
  FunctionBenchmarkOptions,
  HttpBenchmarkOptions,
} from './bench/types.ts'
export { benchmark } from './benchmark.ts'
export type { ClientLoadTestOptions, PerformanceClientOptions } from './client.ts'
export { PerformanceClient } from './client.ts'
export type { ComparisonConfigs } from './compare.ts'
export { compareLoadResults, runComparison } from './compare.ts'
export type {
  MetricsDisplay,
  PerfDefaultsOptions,
  PerfPluginOptions,
  PerfReportOptions,
  QaPerformanceConfig,
} from './config.ts'
export type { PerfErrorCode } from './errors.ts'
export {
  BaselineError,
  ClientClosedError,
  InvalidConfigError,
  InvalidOptionError,
  InvalidThresholdError,
  isPerfError,
  MatcherUsageError,
  ParseError,
  PerfError,
  SetupTimeoutError,
  TestTimeoutTooShortError,
  ToolFailedError,
  ToolNotFoundError,
  UnsupportedOptionError,
} from './errors.ts'
export { loadTest } from './load-test.ts'
export type {
  PerfBaselineOptions,
  PerfMatcherContext,
  PerfMatcherResult,
  PerfMatchers,
  PerfResultPart,
} from './matchers/index.ts'
export { perfMatchers } from './matchers/index.ts'
export type {
  BaselineCheck,
  BaselineComparison,
  BaselineEntry,
  BenchmarkComparison,
  BenchmarkRank,
  BenchmarkResult,
  BenchmarkStats,
  BreakCause,
  BreakCriterion,
  BreakPoint,
  ComparisonMetric,
  ComparisonResult,
  ComparisonRow,
  EndpointMetrics,
  ErrorSummary,
  ErrorType,
  FunctionBenchmarkResult,
  FunctionComparison,
  GeneratorHealth,
  GeneratorThread,
  HttpBenchmarkResult,
  LatenessStats,
  LoadMetrics,
  LoadTestResult,
  MachineInfo,
  MetricComparison,
  PairComparison,
  PerfResult,
  RecordedResult,
  RedactedOptions,
  ResponseTimeStats,
  RunPhase,
  ScenarioMetrics,
  SignificanceTest,
  StressStep,
  StressTestResult,
  ThresholdResult,
  TimelinePoint,
} from './model/index.ts'
export {
  isBenchmarkResult,
  isComparisonResult,
  isLoadTestResult,
  isPerfResult,
  isStressTestResult,
  summarizeRun,
} from './model/index.ts'
export type { LoadDefaults } from './options.ts'
export type { BreakCriteria, StressTestOptions } from './stress/types.ts'
export { stressTest } from './stress-test.ts'
export type {
  AbortingLimit,
  CheckResponse,
  Duration,
  HttpMethod,
  JourneyContext,
  JourneyHookContext,
  JourneyOptions,
  JourneyScenario,
  JourneyStep,
  K6Threshold,
  K6Thresholds,
  LoadProgress,
  LoadTestOptions,
  NativeTransport,
  RateStage,
  SeedThresholds,
  StepBody,
  StepCapture,
  ThinkTime,
  Thresholds,
  ToolChoice,
  ToolName,
} from './types.ts'
