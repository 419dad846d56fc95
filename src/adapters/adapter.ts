import type { ToolName } from '../foundation/types.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'
import type { FdNeeds } from './fd-limit.ts'
import type { UnsupportedOptions } from './unsupported.ts'

/** What an external tool reads of a run: every section but the native engine's. */
export type ToolRunOptions = Pick<
  ResolvedLoadOptions,
  'request' | 'shape' | 'tool' | 'journey' | 'thresholds' | 'signal'
>

/**
 * A load generator perfspec can drive. It declares what it cannot do; runAdapter (run-adapter.ts) applies
 * the rules every engine shares before its `run`: the request rules, the refusal of what it declared
 * unsupported, its open-file limit. What else a tool cannot do (combinations, its own formats) it checks
 * itself, before it starts anything.
 */
export interface LoadAdapter {
  readonly name: ToolName
  /** Options it cannot honour, each with the reason its refusal gives. */
  readonly unsupported: UnsupportedOptions
  /** More it cannot honour with a user's own `script` or `locustfile`: that file defines them. */
  readonly unsupportedWithOwnFile?: UnsupportedOptions
  /** What it needs of the open-file limit besides one socket per user. */
  readonly fds: FdNeeds
  /** True when the tool can run here (binary found). The native engine always can. */
  isAvailable(): Promise<boolean>
  /** The tool's version, or undefined when not installed. */
  version(): Promise<string | undefined>
  /**
   * Runs one load test, its request under the shared rules already. Must honour `options.signal` and
   * never leave processes behind.
   */
  run(options: ResolvedLoadOptions): Promise<AdapterRun>
}
