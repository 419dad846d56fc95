import type { ToolName } from '../foundation/types.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'

/** A load generator perfspec can drive. */
export interface LoadAdapter {
  readonly name: ToolName
  /** True when the tool can run here (binary found). The native engine always can. */
  isAvailable(): Promise<boolean>
  /** The tool's version, or undefined when not installed. */
  version(): Promise<string | undefined>
  /** Runs one load test. Must honour `options.signal` and never leave processes behind. */
  run(options: ResolvedLoadOptions): Promise<AdapterRun>
}
