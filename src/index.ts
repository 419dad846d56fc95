export { ApacheBenchAdapter } from './adapters/ab.ts'
export type { LoadAdapter } from './adapters/adapter.ts'
export { availableTools, chooseTool } from './adapters/index.ts'
export { K6Adapter } from './adapters/k6.ts'
export { LocustAdapter } from './adapters/locust.ts'
export { NativeAdapter } from './adapters/native.ts'
export type { ComparisonLimits } from './baseline/compare.ts'
export { compareWithBaseline, toBaselineEntry } from './baseline/compare.ts'
export { describeMachine } from './baseline/machine.ts'
export type { BaselineFile } from './baseline/store.ts'
export { baselinePath, readBaselineFile } from './baseline/store.ts'
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
export type { AdapterRun } from './metrics/adapter-run.ts'
export type { MetricsCollectorOptions } from './metrics/collector.ts'
export { MetricsCollector } from './metrics/collector.ts'
export type { ParsedThreshold } from './metrics/thresholds.ts'
export { evaluateThresholds, parseThresholds } from './metrics/thresholds.ts'
export type {
  BaselineCheck,
  BaselineComparison,
  BaselineEntry,
  BenchmarkComparison,
  BenchmarkRank,
  BenchmarkResult,
  BenchmarkStats,
  BreakCriterion,
  BreakPoint,
  ComparisonMetric,
  ComparisonResult,
  ComparisonRow,
  ErrorSummary,
  ErrorType,
  FunctionBenchmarkResult,
  FunctionComparison,
  GeneratorHealth,
  HttpBenchmarkResult,
  LoadMetrics,
  LoadTestResult,
  MachineInfo,
  MetricComparison,
  PairComparison,
  PerfResult,
  RecordedResult,
  RedactedOptions,
  ResponseTimeStats,
  SignificanceTest,
  StressStep,
  StressTestResult,
  ThresholdResult,
  TimelinePoint,
} from './model/index.ts'
export { summarizeRun } from './model/index.ts'
export type { LoadDefaults, ResolvedLoadOptions } from './options.ts'
export { DEFAULTS, resolveLoadOptions } from './options.ts'
export { renderHtmlReport } from './report/html/report.ts'
export type { JsonReport, JsonReportEntry } from './report/json.ts'
export { buildJsonReport } from './report/json.ts'
export { renderJunit } from './report/junit.ts'
export { renderMarkdownSummary } from './report/markdown.ts'
export type { ReportMeta } from './report/meta.ts'
export type { ReportRow, TestState, Verdict } from './report/rows.ts'
export { renderSummaryTable } from './report/table.ts'
export type { ReportFormat, ReportOutcome, ReportTargets } from './report/write-reports.ts'
export { reportTargetsOf, writeReports } from './report/write-reports.ts'
export type { BreakCriteria, StressTestOptions } from './stress/types.ts'
export { stressTest } from './stress-test.ts'
export type {
  CheckResponse,
  Duration,
  HttpMethod,
  K6Thresholds,
  LoadProgress,
  LoadTestOptions,
  NativeTransport,
  RateStage,
  SeedThresholds,
  Thresholds,
  ToolChoice,
  ToolName,
} from './types.ts'
