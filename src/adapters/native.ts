import type { NativeEngineOptions } from '../engine/engine-options.ts'
import { runNativeEngine } from '../engine/run-native.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'
import type { LoadAdapter } from './adapter.ts'
import type { FdNeeds } from './fd-limit.ts'
import { withRunnerGone } from './runner-gone.ts'
import type { UnsupportedOptions } from './unsupported.ts'

/**
 * The embedded native engine: always available, no external tool needed. Its users speak HTTP through the
 * engine's own HTTP/1.1 connection (the default) or, with `transport: 'undici'`, through undici.
 */
export class NativeAdapter implements LoadAdapter {
  readonly name = 'native' as const
  // What cannot go together in a native run was refused when the options were resolved (options/native.ts).
  readonly unsupported: UnsupportedOptions = {}
  // Its users' sockets are this process's own, the worker threads' too.
  readonly fds: FdNeeds = { own: 'in-process', limit: 'soft', workerProcesses: false }

  async isAvailable(): Promise<boolean> {
    return true
  }

  async version(): Promise<string> {
    return process.versions.node
  }

  async run(options: ResolvedLoadOptions): Promise<AdapterRun> {
    const { request, shape, native, journey } = options
    // An orphaned test worker stops its load as soon as it notices its runner is gone.
    const engine: NativeEngineOptions = { request, shape, native, signal: withRunnerGone(options.signal) }
    if (journey !== undefined) engine.journey = journey
    return runNativeEngine(engine)
  }
}
