// The result model: every result perfspec hands back, the parts they are made of, and their guards. Plain
// and JSON-safe, so a result that went through a reporter's JSON is still one.
export type {
  BaselineChangeInterval,
  BaselineCheck,
  BaselineComparison,
  BaselineEntry,
  BaselineMethod,
  BaselineMetric,
  BaselineNumbers,
  BaselineSamples,
  BaselineVerdict,
  EndpointComparison,
  LogSummary,
  MachineInfo,
  MetricComparison,
} from './baseline.ts'
export { BASELINE_METRIC_LABELS, listMetricComparisons } from './baseline.ts'
export type {
  BenchmarkComparison,
  BenchmarkRank,
  BenchmarkResult,
  BenchmarkStats,
  FunctionBenchmarkResult,
  FunctionComparison,
  HttpBenchmarkResult,
  PairComparison,
  SignificanceTest,
} from './benchmark.ts'
export { isBenchmarkResult } from './benchmark.ts'
export type { ComparisonMetric, ComparisonResult, ComparisonRow } from './comparison.ts'
export { isComparisonResult } from './comparison.ts'
export { listThresholds, summarizeRun } from './describe.ts'
export { describeErrors } from './describe-errors.ts'

export type {
  AppCost,
  AppCostSource,
  CheckCounts,
  CustomMetric,
  EndpointMetrics,
  ErrorSummary,
  ErrorType,
  GeneratorHealth,
  GeneratorThread,
  GroupMetrics,
  LatenessStats,
  LoadMetrics,
  LoadTestResult,
  MeasuredAppCost,
  NotSentReason,
  RedactedOptions,
  ResponseTimeStats,
  RunPhase,
  ScenarioMetrics,
  ThresholdResult,
  TimelinePoint,
  TrendStats,
  UnmeasuredAppCost,
} from './load.ts'
export { isLoadTestResult } from './load.ts'
export type { PerfResult, RecordedResult } from './perf-result.ts'
export { isPerfResult, isRecordedResult } from './perf-result.ts'
export type { BreakCause, BreakCriterion, BreakPoint, StressStep, StressTestResult } from './stress.ts'
export { isStressTestResult } from './stress.ts'
