import type { AppCost, LoadTestResult, RedactedOptions } from '../foundation/model/index.ts'
import { redactHeaders, redactUrl } from '../foundation/redact.ts'
import type { ToolName } from '../foundation/types.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'
import { evaluateThresholds } from '../options/thresholds.ts'
import type { AdapterRun } from './adapter-run.ts'
import { evaluateErrorBudget } from './error-budget.ts'

/** The JSON-safe, credential-free subset of the options a result records. */
export function redactOptions(options: ResolvedLoadOptions, tool?: ToolName): RedactedOptions {
  const redacted: RedactedOptions = {
    url: redactUrl(options.url),
    method: options.method,
    users: options.users,
    rampUpMs: options.rampUpMs,
    timeoutMs: options.timeoutMs,
    headers: redactHeaders(options.headers),
  }
  if (options.durationMs !== undefined) redacted.durationMs = options.durationMs
  if (options.requests !== undefined) redacted.requests = options.requests
  if (options.rate !== undefined) redacted.rate = options.rate
  if (options.stages !== undefined) redacted.stages = options.stages.map((stage) => ({ ...stage }))
  if (options.rate !== undefined || options.stages !== undefined) redacted.maxUsers = options.maxUsers
  if (options.workers !== undefined) redacted.workers = options.workers
  // What shaped the native engine's numbers; an external tool has no transport or pipelining of ours.
  if (tool === 'native') {
    redacted.transport = options.transport
    redacted.pipelining = options.pipelining
  }
  return redacted
}

// The tool's summary covers the whole run (no steady state to divide by), and the test's thread, where an
// app started by the test runs, spends it driving the tool's process and reading its output.
function externalToolAppCost(tool: ToolName): AppCost {
  return {
    measured: false,
    reason: `the app’s cost is measured with the native engine; ${tool} runs in a process of its own`,
  }
}

/** Turns what an engine or adapter measured into the one result model. */
export function buildResult(
  run: AdapterRun,
  options: ResolvedLoadOptions,
  tool: ToolName,
  startedAt: Date,
): LoadTestResult {
  const thresholds = [
    ...evaluateThresholds(options.thresholds, run.metrics, run),
    ...(run.toolThresholds ?? []),
  ]
  const budget = evaluateErrorBudget(options.errorBudget, run.metrics)
  if (budget !== undefined) thresholds.push(budget)
  const result: LoadTestResult = {
    kind: 'load',
    success: thresholds.every((threshold) => threshold.passed),
    aborted: run.aborted,
    tool,
    name: options.name,
    metrics: run.metrics,
    timeline: run.timeline,
    thresholds,
    warnings: run.warnings,
    startedAt: startedAt.toISOString(),
    durationMs: run.metrics.durationMs,
    options: redactOptions(options, tool),
  }
  if (run.droppedIterations !== undefined) result.droppedIterations = run.droppedIterations
  if (run.serviceTimes !== undefined) result.serviceTimes = run.serviceTimes
  if (run.generator !== undefined) result.generator = run.generator
  const app = run.app ?? (tool === 'native' ? undefined : externalToolAppCost(tool))
  if (app !== undefined) result.app = app
  if (run.endpoints !== undefined) result.endpoints = run.endpoints
  if (run.scenarios !== undefined) result.scenarios = run.scenarios
  return result
}
