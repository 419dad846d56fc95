import type { AppCost, LoadTestResult, RedactedOptions } from '../foundation/model/index.ts'
import { redactHeaders, redactUrl } from '../foundation/redact.ts'
import type { ToolName } from '../foundation/types.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'
import { evaluateThresholds } from '../options/thresholds.ts'
import type { AdapterRun } from './adapter-run.ts'
import { evaluateErrorBudget, evaluateScenarioCoverage, scenariosNeverRun } from './error-budget.ts'
import { notSentWarning } from './not-sent.ts'

/** The JSON-safe, credential-free subset of the options a result records. */
export function redactOptions(options: ResolvedLoadOptions, tool?: ToolName): RedactedOptions {
  const { request, shape, native } = options
  const redacted: RedactedOptions = {
    url: redactUrl(request.url),
    method: request.method,
    users: shape.users,
    rampUpMs: shape.rampUpMs,
    timeoutMs: request.timeoutMs,
    headers: redactHeaders(request.headers),
  }
  if (shape.durationMs !== undefined) redacted.durationMs = shape.durationMs
  if (shape.requests !== undefined) redacted.requests = shape.requests
  if (shape.warmupMs > 0) redacted.warmupMs = shape.warmupMs
  if (shape.model === 'open') {
    const { arrival } = shape
    if (arrival.kind === 'rate') redacted.rate = arrival.rate
    else redacted.stages = arrival.stages.map((stage) => ({ ...stage }))
    redacted.maxUsers = shape.maxUsers
  }
  const workers = native.workers ?? options.tool.workers
  if (workers !== undefined) redacted.workers = workers
  // What shaped the native engine's numbers; an external tool has no transport or pipelining of ours.
  if (tool === 'native') {
    redacted.transport = native.transport
    redacted.pipelining = native.pipelining
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
  const warnings = [...run.warnings]
  const neverRun = scenariosNeverRun(run.scenarios)
  const coverage = evaluateScenarioCoverage(options.errorBudget, neverRun)
  if (coverage !== undefined) thresholds.push(coverage)
  if (neverRun.length > 0) warnings.push(neverRunWarning(neverRun, options))
  const unsent = notSentWarning(run.metrics)
  if (unsent !== undefined) warnings.push(unsent)
  const result: LoadTestResult = {
    kind: 'load',
    success: thresholds.every((threshold) => threshold.passed),
    aborted: run.aborted,
    tool,
    name: options.request.name,
    metrics: run.metrics,
    timeline: run.timeline,
    thresholds,
    warnings,
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
  if (run.groups !== undefined) result.groups = run.groups
  return result
}

/** Why a weighted scenario may have had no load, and what to change. */
function neverRunWarning(neverRun: readonly string[], options: ResolvedLoadOptions): string {
  const names = neverRun.map((name) => `'${name}'`).join(', ')
  const why =
    options.journey?.mix === 'per-user'
      ? `with \`mix: 'per-user'\` the ${options.shape.users} users are split by weight, and none got it: ` +
        "use the default `mix: 'per-iteration'`, or more users"
      : 'the run ended before its turn came: run longer'
  const verdict = options.errorBudget === false ? '' : ' It fails the error budget.'
  return `The scenario mix was not tested: ${names} never ran (${why}).${verdict}`
}
