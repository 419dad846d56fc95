import { runNativeEngine } from '../engine/run-native.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import type { LoadAdapter } from './adapter.ts'

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

  run(options: ResolvedLoadOptions): Promise<AdapterRun> {
    return runNativeEngine(options)
  }
}
