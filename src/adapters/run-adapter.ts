import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'
import type { LoadAdapter } from './adapter.ts'
import { assertUsersFitFdLimit } from './fd-limit.ts'
import { applyRequestRules, withRuleWarnings } from './request-rules.ts'
import { rejectUnsupported } from './unsupported.ts'

/** Throws UnsupportedOptionError for the first option set in the run that the adapter says it cannot honour. */
export function assertSupported(
  adapter: Pick<LoadAdapter, 'name' | 'unsupported' | 'unsupportedWithOwnFile'>,
  options: ResolvedLoadOptions,
): void {
  rejectUnsupported(adapter.name, options, adapter.unsupported)
  const ownFile = options.tool.script ?? options.tool.locustfile
  if (ownFile !== undefined && adapter.unsupportedWithOwnFile !== undefined) {
    rejectUnsupported(adapter.name, options, adapter.unsupportedWithOwnFile)
  }
}

/**
 * Runs one load test on an adapter with the rules every engine shares, applied here once: the request
 * rules (applyRequestRules), the refusal of the options it declares unsupported, and the open-file limit
 * it declares; its result's warnings then start with the rules' ones. Adapters apply none of these.
 */
export async function runAdapter(adapter: LoadAdapter, options: ResolvedLoadOptions): Promise<AdapterRun> {
  const ruled = applyRequestRules(options.request)
  const run = ruled.request === options.request ? options : { ...options, request: ruled.request }
  assertSupported(adapter, run)
  assertUsersFitFdLimit(adapter, run)
  return withRuleWarnings(await adapter.run(run), ruled.warnings)
}
