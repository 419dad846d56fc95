import { chooseTool, createAdapter } from './adapters/index.ts'
import { applyTestContext, getCurrentTestContext } from './context.ts'
import { buildResult } from './metrics/build-result.ts'
import type { LoadTestResult } from './model/index.ts'
import { DEFAULTS, type LoadDefaults, resolveLoadOptions } from './options.ts'
import { scrubError, secretsOf } from './redact.ts'
import type { LoadTestOptions } from './types.ts'

/**
 * Runs one load test and returns its result. Options are validated before any request is sent; faults
 * during the run (refused, reset, timeout, 5xx) are counted in the result, never thrown.
 *
 * Inside a test with the perfspec setup file, the run also takes the test's defaults, thresholds and abort
 * signal, and its result is attached to the test for the reporter.
 */
export function loadTest(
  options: LoadTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<LoadTestResult> {
  const context = getCurrentTestContext()
  const applied = applyTestContext(options, defaults, context)
  const run = runLoadTest(applied.options, { ...DEFAULTS, ...applied.defaults })
  context?.track?.(run)
  return run
}

/**
 * A run no report shows and no threshold check fails on: an HTTP benchmark's warm-up. The test's signal and
 * defaults still apply.
 */
export function loadTestUnrecorded(
  options: LoadTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<LoadTestResult> {
  const applied = applyTestContext(options, defaults, getCurrentTestContext())
  return runLoadTest(applied.options, { ...DEFAULTS, ...applied.defaults })
}

async function runLoadTest(options: LoadTestOptions, defaults: LoadDefaults): Promise<LoadTestResult> {
  const resolved = resolveLoadOptions(options, defaults)
  const tool = chooseTool(resolved.tool, resolved)
  const adapter = createAdapter(tool)
  const startedAt = new Date()
  const run = await adapter.run(resolved).catch((error: unknown) => {
    throw scrubError(error, secretsOf(resolved))
  })
  return buildResult(run, resolved, tool, startedAt)
}
