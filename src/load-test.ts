import { chooseTool, createAdapter } from './adapters/index.ts'
import { buildResult } from './metrics/build-result.ts'
import { type LoadDefaults, resolveLoadOptions } from './options.ts'
import type { LoadTestOptions, LoadTestResult } from './types.ts'

/**
 * Runs one load test and returns its result. Options are validated before any request is sent; faults
 * during the run (refused, reset, timeout, 5xx) are counted in the result, never thrown.
 */
export async function loadTest(options: LoadTestOptions, defaults?: LoadDefaults): Promise<LoadTestResult> {
  const resolved = resolveLoadOptions(options, defaults)
  const tool = chooseTool(resolved.tool, resolved)
  const adapter = createAdapter(tool)
  const startedAt = new Date()
  const run = await adapter.run(resolved)
  return buildResult(run, resolved, tool, startedAt)
}
