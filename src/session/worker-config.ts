import type { BaselineUpdateMode } from '../context.ts'
import type { LoadDefaults } from '../options.ts'
import type { Thresholds, ToolChoice } from '../types.ts'

/** What the plugin hands each test worker through `provide('perfspec', …)`. JSON-safe. */
export interface PerfWorkerConfig {
  tool?: ToolChoice
  defaults: Partial<LoadDefaults>
  thresholds?: Thresholds
  baselineDir?: string
  root: string
  update: BaselineUpdateMode
  /** Send progress of long runs to the reporter (a TTY, not CI). */
  progress: boolean
  failOnThresholds: boolean
}
