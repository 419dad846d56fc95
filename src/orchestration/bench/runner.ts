import { Bench } from 'tinybench'
import { InvalidOptionError } from '../../foundation/errors.ts'
import type {
  BenchmarkComparison,
  BenchmarkResult,
  FunctionBenchmarkResult,
  FunctionComparison,
} from '../../foundation/model/index.ts'
import {
  argument,
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireFunction,
  requireInteger,
  requireNumber,
  requireObject,
  requireString,
} from '../../options/validate.ts'
import { recordBenchmark } from '../context.ts'
import { compareBenchmarks } from './compare-benchmarks.ts'
import { statsFromSorted, thinSorted } from './stats.ts'
import type { CompareBenchmarksOptions, CompareFunctionsOptions, FunctionBenchmarkOptions } from './types.ts'

export interface BenchmarkRunnerOptions {
  /** Clock in ms; injectable for tests. @default performance.now */
  now?: () => number
}

const MAX_ITERATIONS = 1_000_000_000

/** The timings of one run of one function. */
interface Measurement {
  samples: number[]
  durationMs: number
  aborted: boolean
}

interface Plan {
  iterations: number
  warmupIterations: number
  minTimeMs: number
  signal: AbortSignal | undefined
}

const RUNNER_KEYS = { now: true } as const satisfies KnownKeys<BenchmarkRunnerOptions>
const FUNCTION_BENCHMARK_KEYS = {
  name: true,
  iterations: true,
  warmupIterations: true,
  minTimeMs: true,
  signal: true,
} as const satisfies KnownKeys<FunctionBenchmarkOptions>
// compareFunctions takes a benchmark's options (but `name`: each function has its key) and the comparison's.
const COMPARE_FUNCTIONS_KEYS = {
  iterations: true,
  warmupIterations: true,
  minTimeMs: true,
  signal: true,
  rounds: true,
  confidence: true,
  minDifferencePercent: true,
  test: true,
} as const satisfies KnownKeys<CompareFunctionsOptions>

function requireBenchmarked(option: string, fn: unknown): void {
  requireFunction(option, fn, 'a function to benchmark')
}

function resolvePlan(options: FunctionBenchmarkOptions): Plan {
  const minTimeMs = requireNumber('minTimeMs', options.minTimeMs ?? 0, { min: 0 })
  if (options.name !== undefined) requireString('name', options.name)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail('signal', 'an AbortSignal', options.signal)
  }
  return {
    iterations: requireInteger('iterations', options.iterations ?? 1000, 1, MAX_ITERATIONS),
    warmupIterations: requireInteger('warmupIterations', options.warmupIterations ?? 10, 0, MAX_ITERATIONS),
    minTimeMs,
    signal: options.signal,
  }
}

function toResult(
  name: string,
  samples: number[],
  startedAt: Date,
  durationMs: number,
  aborted: boolean,
): FunctionBenchmarkResult {
  const sorted = samples.sort((a, b) => a - b)
  const stats = statsFromSorted(sorted)
  const warnings: string[] = []
  if (aborted) warnings.push(`Aborted after ${stats.samples} iterations.`)
  if (stats.samples > 1 && stats.rme > 10) {
    warnings.push(
      `The mean is uncertain (±${stats.rme.toFixed(1)}%): run more iterations, or look for what disturbs the runs.`,
    )
  }
  return {
    kind: 'benchmark',
    target: 'function',
    name,
    avgTime: stats.mean,
    throughput: stats.mean > 0 ? 1000 / stats.mean : 0,
    stats,
    samplesMs: thinSorted(sorted),
    iterations: stats.samples,
    aborted,
    startedAt: startedAt.toISOString(),
    durationMs,
    warnings,
  }
}

/**
 * Times functions on tinybench: `benchmarkAsync` awaits each call, `benchmarkSync` runs without the event
 * loop; `compareBenchmarks` ranks results and tests whether their differences are significant;
 * `compareFunctions` measures several functions in interleaved rounds and compares them.
 */
// Inside a test with the perfspec setup, every function benchmark shows in the reports.
function reported(result: FunctionBenchmarkResult): FunctionBenchmarkResult {
  recordBenchmark(result)
  return result
}

export class BenchmarkRunner {
  private readonly now: (() => number) | undefined

  constructor(options: BenchmarkRunnerOptions = {}) {
    rejectUnknownKeys(requireObject(argument('options'), options), RUNNER_KEYS)
    if (options.now !== undefined) requireFunction('now', options.now, 'a function returning milliseconds')
    this.now = options.now
  }

  /** Times `fn` (sync or async; an async one is awaited inside each sample). */
  async benchmarkAsync(
    fn: () => unknown,
    options: FunctionBenchmarkOptions = {},
  ): Promise<FunctionBenchmarkResult> {
    requireBenchmarked('fn', fn)
    rejectUnknownKeys(requireObject(argument('options'), options), FUNCTION_BENCHMARK_KEYS)
    const plan = resolvePlan(options)
    const startedAt = new Date()
    const { samples, durationMs, aborted } = await this.measure(fn, plan)
    return reported(
      toResult(options.name ?? (fn.name || 'anonymous'), samples, startedAt, durationMs, aborted),
    )
  }

  /** Times a synchronous `fn` without yielding to the event loop between iterations. */
  benchmarkSync(
    fn: () => unknown,
    options: Omit<FunctionBenchmarkOptions, 'signal'> = {},
  ): FunctionBenchmarkResult {
    requireBenchmarked('fn', fn)
    rejectUnknownKeys(requireObject(argument('options'), options), FUNCTION_BENCHMARK_KEYS)
    const plan = resolvePlan(options)
    const startedAt = new Date()
    const { samples, durationMs, aborted } = this.measureSync(fn, plan)
    return reported(
      toResult(options.name ?? (fn.name || 'anonymous'), samples, startedAt, durationMs, aborted),
    )
  }

  /** Ranks results (fastest first) and tests the fastest against each other one. */
  compareBenchmarks(
    results: readonly BenchmarkResult[],
    options?: CompareBenchmarksOptions,
  ): BenchmarkComparison {
    return compareBenchmarks(results, options)
  }

  /**
   * Benchmarks several functions in interleaved rounds (a, b, b, a, …) and compares them. Drift between
   * two runs (JIT, CPU frequency, a neighbour's load) then lands on every function alike instead of
   * looking like a difference between them.
   */
  async compareFunctions(
    functions: Record<string, () => unknown>,
    options: CompareFunctionsOptions = {},
  ): Promise<FunctionComparison> {
    requireObject(argument('functions'), functions, 'an object of name → function')
    const entries = Object.entries(functions)
    if (entries.length < 2)
      throw new InvalidOptionError('functions', 'Expected at least two functions to compare')
    for (const [name, fn] of entries) requireBenchmarked(`functions.${name}`, fn)
    rejectUnknownKeys(requireObject(argument('options'), options), COMPARE_FUNCTIONS_KEYS)
    const { rounds: roundsOption = 5, confidence, minDifferencePercent, test, ...benchmarkOptions } = options
    const plan = resolvePlan(benchmarkOptions)
    const rounds = requireInteger('rounds', roundsOption, 1, plan.iterations)
    const startedAt = new Date()
    const measured = entries.map(() => ({ samples: [] as number[], durationMs: 0, aborted: false }))
    for (let round = 0; round < rounds && !plan.signal?.aborted; round++) {
      // Spread the iterations over the rounds; warm up in the first round only.
      const iterations = Math.floor(plan.iterations / rounds) + (round < plan.iterations % rounds ? 1 : 0)
      const warmupIterations = round === 0 ? plan.warmupIterations : 0
      for (let turn = 0; turn < entries.length; turn++) {
        // Rotate who goes first so no function always runs on the heels of the same other.
        const index = (turn + round) % entries.length
        const run = await this.measure(entries[index]![1], { ...plan, iterations, warmupIterations })
        const total = measured[index]!
        total.samples.push(...run.samples)
        total.durationMs += run.durationMs
        total.aborted ||= run.aborted
      }
    }
    const results = entries.map(([name], index) => {
      const { samples, durationMs, aborted } = measured[index]!
      return reported(
        toResult(name, samples, startedAt, durationMs, aborted || samples.length < plan.iterations),
      )
    })
    const compareOptions: CompareBenchmarksOptions = {}
    if (confidence !== undefined) compareOptions.confidence = confidence
    if (minDifferencePercent !== undefined) compareOptions.minDifferencePercent = minDifferencePercent
    if (test !== undefined) compareOptions.test = test
    return { results, comparison: compareBenchmarks(results, compareOptions) }
  }

  private bench(plan: Plan): Bench {
    return new Bench({
      iterations: plan.iterations,
      time: plan.minTimeMs,
      warmup: plan.warmupIterations > 0,
      warmupIterations: plan.warmupIterations,
      warmupTime: 0,
      retainSamples: true,
      throws: true,
      ...(this.now === undefined ? {} : { now: this.now }),
      ...(plan.signal === undefined ? {} : { signal: plan.signal }),
    })
  }

  private async measure(fn: () => unknown, plan: Plan): Promise<Measurement> {
    const bench = this.bench(plan).add('fn', fn)
    const started = bench.now()
    const [task] = await bench.run()
    return readTask(task!.result, bench.now() - started)
  }

  private measureSync(fn: () => unknown, plan: Plan): Measurement {
    const bench = this.bench(plan).add('fn', fn)
    const started = bench.now()
    const [task] = bench.runSync()
    return readTask(task!.result, bench.now() - started)
  }
}

function readTask(result: Bench['tasks'][number]['result'], durationMs: number): Measurement {
  const measured = result.state === 'completed' || result.state === 'aborted-with-statistics'
  return {
    samples: measured ? [...(result.latency.samples ?? [])] : [],
    durationMs,
    aborted: result.state === 'aborted' || result.state === 'aborted-with-statistics',
  }
}
