import { ClientClosedError } from './errors.ts'
import { loadTest } from './load-test.ts'
import { DEFAULTS, type LoadDefaults, parseTargetUrl } from './options.ts'
import type { LoadTestOptions, LoadTestResult, Thresholds, ToolChoice } from './types.ts'

export interface PerformanceClientOptions {
  /** Load generator for every run of this client. @default 'auto' */
  tool?: ToolChoice
  /** Base URL that relative `url`s resolve against. */
  baseUrl?: string
  /** Defaults for users, duration, ramp-up and timeout. */
  defaults?: Partial<LoadDefaults>
  /** Thresholds applied to every run unless the run gives its own. */
  thresholds?: Thresholds
}

/** Options of one client call: like LoadTestOptions, but `url` may be relative to the client's `baseUrl`. */
export type ClientLoadTestOptions = LoadTestOptions

/**
 * The seed's facade: one object for load tests, stress tests, benchmarks and comparisons, sharing a tool,
 * a base URL and defaults. `close()` aborts whatever is still running.
 */
export class PerformanceClient {
  readonly tool: ToolChoice
  private readonly baseUrl: URL | undefined
  private readonly defaults: LoadDefaults
  private readonly thresholds: Thresholds | undefined
  private readonly running = new Set<AbortController>()
  private closed = false

  constructor(options: PerformanceClientOptions = {}) {
    this.tool = options.tool ?? 'auto'
    this.baseUrl = options.baseUrl === undefined ? undefined : parseTargetUrl(options.baseUrl, 'baseUrl')
    this.defaults = { ...DEFAULTS, ...options.defaults }
    this.thresholds = options.thresholds
  }

  /** Runs a load test with this client's tool, base URL and defaults. */
  async loadTest(options: ClientLoadTestOptions): Promise<LoadTestResult> {
    return this.track(options.signal, (signal) =>
      loadTest(this.withClientDefaults(options, signal), this.defaults),
    )
  }

  /** Aborts running tests; later calls throw ClientClosedError. */
  async close(): Promise<void> {
    this.closed = true
    for (const controller of this.running) controller.abort(new ClientClosedError())
    this.running.clear()
  }

  /** Resolves a URL against the base URL. */
  protected resolveUrl(url: string): string {
    return this.baseUrl === undefined ? url : new URL(url, this.baseUrl).href
  }

  protected withClientDefaults(options: LoadTestOptions, signal: AbortSignal): LoadTestOptions {
    const merged: LoadTestOptions = { tool: this.tool, ...options, url: this.resolveUrl(options.url), signal }
    if (options.thresholds === undefined && this.thresholds !== undefined) merged.thresholds = this.thresholds
    return merged
  }

  /** Runs `task` with a signal that aborts on `close()` or on the caller's signal. */
  protected async track<T>(
    callerSignal: AbortSignal | undefined,
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new ClientClosedError()
    const controller = new AbortController()
    const signal =
      callerSignal === undefined ? controller.signal : AbortSignal.any([controller.signal, callerSignal])
    this.running.add(controller)
    try {
      return await task(signal)
    } finally {
      this.running.delete(controller)
    }
  }
}
