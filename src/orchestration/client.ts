import { ClientClosedError } from '../foundation/errors.ts'
import type {
  ComparisonResult,
  HttpBenchmarkResult,
  LoadTestResult,
  StressTestResult,
} from '../foundation/model/index.ts'
import type { LoadTestOptions, Thresholds, ToolChoice } from '../foundation/types.ts'
import { type LoadDefaults, validateDefaults } from '../options/defaults.ts'
import { parseTargetUrl } from '../options/request.ts'
import { requireTool } from '../options/tool.ts'
import { argument, type KnownKeys, rejectUnknownKeys, requireObject } from '../options/validate.ts'
import { benchmarkHttp } from './bench/http.ts'
import type { HttpBenchmarkOptions } from './bench/types.ts'
import { type ComparisonConfigs, mapComparisonConfigs, runComparison } from './compare-runs.ts'
import { loadTest, loadTestInGroup } from './load-test.ts'
import type { StressTestOptions } from './stress/types.ts'
import { runStressTest } from './stress-test.ts'

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

const CLIENT_KEYS = {
  tool: true,
  baseUrl: true,
  defaults: true,
  thresholds: true,
} as const satisfies KnownKeys<PerformanceClientOptions>

/** What the client fills in on every call's options. */
interface ClientDefaultable {
  url: string
  tool?: ToolChoice
  signal?: AbortSignal
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
  /** Only what the caller set: test-context (plugin, qa.yaml) defaults fill in the rest. */
  private readonly defaults: Partial<LoadDefaults>
  /** Only when the caller set one, for the same reason. */
  private readonly toolOption: ToolChoice | undefined
  private readonly thresholds: Thresholds | undefined
  private readonly running = new Set<AbortController>()
  private closed = false

  constructor(options: PerformanceClientOptions = {}) {
    rejectUnknownKeys(requireObject(argument('options'), options), CLIENT_KEYS)
    this.toolOption = options.tool === undefined ? undefined : requireTool(options.tool)
    this.tool = this.toolOption ?? 'auto'
    this.baseUrl = options.baseUrl === undefined ? undefined : parseTargetUrl(options.baseUrl, 'baseUrl')
    this.defaults = options.defaults === undefined ? {} : { ...validateDefaults(options.defaults) }
    this.thresholds = options.thresholds
  }

  /** Runs a load test with this client's tool, base URL and defaults. */
  async loadTest(options: ClientLoadTestOptions): Promise<LoadTestResult> {
    return this.track(options.signal, (signal) =>
      loadTest(this.withClientDefaults(options, signal), this.defaults),
    )
  }

  /** Runs a stress test (steps of growing users until something breaks) with this client's settings. */
  async stressTest(options: StressTestOptions): Promise<StressTestResult> {
    return this.track(options.signal, (signal) =>
      runStressTest(
        this.withClientDefaults(options, signal),
        (step) => loadTestInGroup(step, this.defaults),
        this.defaults,
      ),
    )
  }

  /** Benchmarks an endpoint: `client.benchmark('/path', { requests: 1000, concurrency: 1 })`. */
  async benchmark(
    target: string | HttpBenchmarkOptions,
    options: Omit<HttpBenchmarkOptions, 'url'> = {},
  ): Promise<HttpBenchmarkResult> {
    const merged: HttpBenchmarkOptions = typeof target === 'string' ? { ...options, url: target } : target
    // The client's thresholds judge load runs; a benchmark reports, so it takes none.
    return this.track(merged.signal, (signal) =>
      benchmarkHttp(
        { ...merged, ...this.toolFor(merged), url: this.resolveUrl(merged.url), signal },
        this.defaults,
      ),
    )
  }

  /** Runs load configurations one after another against the same target and tabulates their metrics. */
  async runComparison(configs: ComparisonConfigs): Promise<ComparisonResult> {
    return this.track(undefined, (signal) =>
      runComparison(
        mapComparisonConfigs(configs, (config) => this.withClientDefaults(config, signal)),
        this.defaults,
      ),
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

  protected withClientDefaults<T extends ClientDefaultable>(options: T, signal: AbortSignal): T {
    const merged: T = { ...options, ...this.toolFor(options), url: this.resolveUrl(options.url), signal }
    if (options.thresholds === undefined && this.thresholds !== undefined) merged.thresholds = this.thresholds
    return merged
  }

  /** The client's tool for a call that names none (only when the client was given one). */
  private toolFor(options: { tool?: ToolChoice }): { tool?: ToolChoice } {
    return options.tool === undefined && this.toolOption !== undefined ? { tool: this.toolOption } : {}
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
