// `perfspec`: what a test author uses. Load tests, stress tests, benchmarks and comparisons, the client,
// the matchers, the errors and the result model. Reports are in `perfspec/report`; adapters, the collector
// and the engine's parts in `perfspec/advanced`.

export { toK6Script, toLocustfile } from './adapters/export-script.ts'
export { availableTools } from './adapters/index.ts'
export type { PerfErrorCode } from './foundation/errors.ts'
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
} from './foundation/errors.ts'
export type {
  AppCost,
  AppCostSource,
  BaselineChangeInterval,
  BaselineCheck,
  BaselineComparison,
  BaselineEntry,
  BaselineMethod,
  BaselineMetric,
  BaselineSamples,
  BaselineVerdict,
  BenchmarkComparison,
  BenchmarkRank,
  BenchmarkResult,
  BenchmarkStats,
  BreakCause,
  BreakCriterion,
  BreakPoint,
  CheckCounts,
  ComparisonMetric,
  ComparisonResult,
  ComparisonRow,
  CustomMetric,
  EndpointComparison,
  EndpointMetrics,
  ErrorSummary,
  ErrorType,
  FunctionBenchmarkResult,
  FunctionComparison,
  GeneratorHealth,
  GeneratorThread,
  GroupMetrics,
  HttpBenchmarkResult,
  LatenessStats,
  LoadMetrics,
  LoadTestResult,
  LogSummary,
  MachineInfo,
  MeasuredAppCost,
  MetricComparison,
  NotSentReason,
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
  TrendStats,
  UnmeasuredAppCost,
} from './foundation/model/index.ts'
export {
  isBenchmarkResult,
  isComparisonResult,
  isLoadTestResult,
  isPerfResult,
  isStressTestResult,
  summarizeRun,
} from './foundation/model/index.ts'
export type {
  AbortingLimit,
  CheckResponse,
  CustomMetricRecorder,
  CustomMetricType,
  Duration,
  HttpMethod,
  IterationFunction,
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
  ScenarioMix,
  SeedThresholds,
  StepBody,
  StepCapture,
  StepCheck,
  ThinkTime,
  Thresholds,
  ToolChoice,
  ToolName,
  VirtualUser,
  VuCheck,
  VuRequestOptions,
  VuResponse,
} from './foundation/types.ts'
export type { LoadDefaults } from './options/defaults.ts'
export { compareBenchmarks } from './orchestration/bench/compare-benchmarks.ts'
export type { BenchmarkRunnerOptions } from './orchestration/bench/runner.ts'
export { BenchmarkRunner } from './orchestration/bench/runner.ts'
export type {
  CompareBenchmarksOptions,
  CompareFunctionsOptions,
  FunctionBenchmarkOptions,
  HttpBenchmarkOptions,
} from './orchestration/bench/types.ts'
export { benchmark } from './orchestration/benchmark.ts'
export type { ClientLoadTestOptions, PerformanceClientOptions } from './orchestration/client.ts'
export { PerformanceClient } from './orchestration/client.ts'
export type { ComparisonConfigs } from './orchestration/compare-runs.ts'
export { compareLoadResults, runComparison } from './orchestration/compare-runs.ts'
export type {
  MetricsDisplay,
  PerfDefaultsOptions,
  PerfPluginOptions,
  PerfReportOptions,
  QaPerformanceConfig,
} from './orchestration/config.ts'
export { loadTest } from './orchestration/load-test.ts'
export type { BreakCriteria, StressTestOptions } from './orchestration/stress/types.ts'
export { stressTest } from './orchestration/stress-test.ts'
export type {
  PerfBaselineOptions,
  PerfMatcherContext,
  PerfMatcherResult,
  PerfMatchers,
  PerfResultPart,
} from './presentation/matchers/index.ts'
export { perfMatchers } from './presentation/matchers/index.ts'
