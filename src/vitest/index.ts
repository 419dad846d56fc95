/// <reference path="./augment.d.mts" />

export type {
  MetricsDisplay,
  PerfDefaultsOptions,
  PerfPluginOptions,
  PerfReportOptions,
} from '../config.ts'
export type { PerfBaselineOptions, PerfMatchers } from '../matchers/types.ts'
export type { PerfWorkerConfig } from '../session/worker-config.ts'
export { perf } from './plugin.ts'
export type { PerfReporterOptions } from './reporter.ts'
export { PerfReporter } from './reporter.ts'
