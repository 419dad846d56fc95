import type { Thresholds, ToolChoice } from '../../foundation/types.ts'
import type { LoadDefaults } from '../../options/defaults.ts'
import type { ResolvedPerfConfig } from '../config.ts'
import type { BaselineUpdateMode } from '../context.ts'

/**
 * The test timeout perf projects get when the user set none (Vitest's and Jest's default is 5 s): long
 * enough for a stress test's steps, short enough that a stuck test still ends.
 */
export const PERF_TEST_TIMEOUT_MS = 300_000

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
  /** Inconclusive baseline comparisons fail their matcher; absent when they do not. */
  failOnInconclusive?: boolean
  /** Jest: the test timeout the setup gives every test (the user set none). */
  testTimeoutMs?: number
}

/**
 * The worker config of a resolved plugin or reporter config: what every test file's session gets. `update`
 * is the framework's snapshot mode (`-u`), `progress` whether the reporter shows progress of long runs.
 */
export function toWorkerConfig(
  config: ResolvedPerfConfig,
  run: { update: BaselineUpdateMode; progress: boolean },
): PerfWorkerConfig {
  const worker: PerfWorkerConfig = {
    defaults: config.defaults,
    root: config.root,
    update: run.update,
    progress: run.progress,
    failOnThresholds: config.failOnThresholds,
  }
  if (config.tool !== undefined) worker.tool = config.tool
  if (config.thresholds !== undefined) worker.thresholds = config.thresholds
  if (config.baselineDir !== undefined) worker.baselineDir = config.baselineDir
  if (config.failOnInconclusive) worker.failOnInconclusive = true
  return worker
}
