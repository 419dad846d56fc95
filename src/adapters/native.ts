import { runNativeEngine } from '../engine/run-native.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'
import type { LoadAdapter } from './adapter.ts'
import { assertUsersFitFdLimit } from './fd-limit.ts'
import { applyRequestRules, withRuleWarnings } from './request-rules.ts'
import { withRunnerGone } from './runner-gone.ts'

/**
 * The embedded native engine: always available, no external tool needed. Its users speak HTTP through the
 * engine's own HTTP/1.1 connection (the default) or, with `transport: 'undici'`, through undici.
 */
export class NativeAdapter implements LoadAdapter {
  readonly name = 'native' as const

  async isAvailable(): Promise<boolean> {
    return true
  }

  async version(): Promise<string> {
    return process.versions.node
  }

  async run(options: ResolvedLoadOptions): Promise<AdapterRun> {
    assertUsersFitFdLimit('native', options)
    const ruled = applyRequestRules(options)
    // An orphaned test worker stops its load as soon as it notices its runner is gone.
    const run = await runNativeEngine({ ...ruled.options, signal: withRunnerGone(options.signal) })
    return withRuleWarnings(run, ruled)
  }
}
