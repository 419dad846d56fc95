import type { FunctionBenchmarkResult, HttpBenchmarkResult } from '../foundation/model/index.ts'
import type { LoadDefaults } from '../options/defaults.ts'
import { benchmarkHttp } from './bench/http.ts'
import { BenchmarkRunner } from './bench/runner.ts'
import type { FunctionBenchmarkOptions, HttpBenchmarkOptions } from './bench/types.ts'

/** Times a function: `benchmark(fn, { iterations, warmupIterations })`. */
export function benchmark(
  fn: () => unknown,
  options?: FunctionBenchmarkOptions,
): Promise<FunctionBenchmarkResult>
/** Benchmarks an endpoint: `benchmark({ url, requests: 1000, concurrency: 1, warmup: 10 })`. */
export function benchmark(
  options: HttpBenchmarkOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<HttpBenchmarkResult>
export function benchmark(
  target: (() => unknown) | HttpBenchmarkOptions,
  options?: FunctionBenchmarkOptions | Partial<LoadDefaults>,
): Promise<FunctionBenchmarkResult | HttpBenchmarkResult> {
  if (typeof target === 'function') {
    return new BenchmarkRunner().benchmarkAsync(target, options as FunctionBenchmarkOptions | undefined)
  }
  return benchmarkHttp(target, options as Partial<LoadDefaults> | undefined)
}
