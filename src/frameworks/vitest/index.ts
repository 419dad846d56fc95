/// <reference path="./augment.d.mts" />

export type {
  MetricsDisplay,
  PerfDefaultsOptions,
  PerfPluginOptions,
  PerfReportOptions,
} from '../../orchestration/config.ts'
export type { PerfWorkerConfig } from '../../orchestration/session/worker-config.ts'
export type { PerfBaselineOptions, PerfMatchers } from '../../presentation/matchers/types.ts'
export { perf } from './plugin.ts'
export type { PerfReporterOptions } from './reporter.ts'
export { PerfReporter } from './reporter.ts'
