export { ApacheBenchAdapter } from './adapters/ab.ts'
export type { AdapterRun, LoadAdapter } from './adapters/adapter.ts'
export { availableTools, chooseTool } from './adapters/index.ts'
export { K6Adapter } from './adapters/k6.ts'
export { LocustAdapter } from './adapters/locust.ts'
export { NativeAdapter } from './adapters/native.ts'
export type {
  BaselineComparison,
  BaselineEntry,
  ComparisonLimits,
  MetricComparison,
} from './baseline/compare.ts'
export { compareWithBaseline, toBaselineEntry } from './baseline/compare.ts'
export type { MachineInfo } from './baseline/machine.ts'
export { describeMachine } from './baseline/machine.ts'
export type { BaselineFile } from './baseline/store.ts'
export { baselinePath, readBaselineFile } from './baseline/store.ts'
export { compareBenchmarks } from './bench/compare.ts'
export type { BenchmarkRunnerOptions } from './bench/runner.ts'
export { BenchmarkRunner } from './bench/runner.ts'
export type {
  BenchmarkComparison,
  BenchmarkRank,
  BenchmarkResult,
  BenchmarkStats,
  CompareBenchmarksOptions,
  CompareFunctionsOptions,
  FunctionBenchmarkOptions,
  FunctionBenchmarkResult,
  FunctionComparison,
  HttpBenchmarkOptions,
  HttpBenchmarkResult,
  PairComparison,
  SignificanceTest,
} from './bench/types.ts'
export { benchmark } from './benchmark.ts'
export type { ClientLoadTestOptions, PerformanceClientOptions } from './client.ts'
export { PerformanceClient } from './client.ts'
export type {
  ComparisonConfigs,
  ComparisonMetric,
  ComparisonResult,
  ComparisonRow,
} from './compare.ts'
export { compareLoadResults, runComparison } from './compare.ts'
export type {
  MetricsDisplay,
  PerfDefaultsOptions,
  PerfPluginOptions,
  PerfReportOptions,
  QaPerformanceConfig,
  ResolvedPerfConfig,
} from './config.ts'
export { parseQaConfig, readQaConfig, resolvePerfConfig } from './config.ts'
export type { BaselineUpdateMode, PerfTestContext } from './context.ts'
export { getCurrentTestContext, setCurrentTestContext } from './context.ts'
export { formatDurationForTool, parseDuration } from './duration.ts'
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
} from './matchers/index.ts'
export { isLoadTestResult, perfMatchers } from './matchers/index.ts'
export type { StressBenchMatcherContext } from './matchers/stress-bench.ts'
export {
  toBeFasterThan,
  toBeSignificantlyFasterThan,
  toHaveBreakPointAbove,
} from './matchers/stress-bench.ts'
export type { MetricsCollectorOptions } from './metrics/collector.ts'
export { MetricsCollector } from './metrics/collector.ts'
export type { ParsedThreshold } from './metrics/thresholds.ts'
export { evaluateThresholds, parseThresholds } from './metrics/thresholds.ts'
export type { LoadDefaults, ResolvedLoadOptions } from './options.ts'
export { DEFAULTS, resolveLoadOptions } from './options.ts'
export { summarizeRun } from './report/format.ts'
export { renderHtmlReport } from './report/html/report.ts'
export type { JsonReport, JsonReportEntry } from './report/json.ts'
export { buildJsonReport } from './report/json.ts'
export { renderJunit } from './report/junit.ts'
export { renderMarkdownSummary } from './report/markdown.ts'
export type { ReportMeta } from './report/meta.ts'
export type {
  BaselineCheck,
  PerfResult,
  RecordedResult,
  ReportRow,
  TestState,
  Verdict,
} from './report/rows.ts'
export { renderSummaryTable } from './report/table.ts'
export type { ReportFormat, ReportOutcome, ReportTargets } from './report/write-reports.ts'
export { reportTargetsOf, writeReports } from './report/write-reports.ts'
export type {
  BreakCriteria,
  BreakCriterion,
  BreakPoint,
  StressStep,
  StressTestOptions,
  StressTestResult,
} from './stress/types.ts'
export { stressTest } from './stress-test.ts'
export type {
  CheckResponse,
  Duration,
  ErrorSummary,
  ErrorType,
  GeneratorHealth,
  HttpMethod,
  K6Thresholds,
  LoadMetrics,
  LoadProgress,
  LoadTestOptions,
  LoadTestResult,
  NativeTransport,
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
