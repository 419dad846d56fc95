import { describe, expect, it } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import { compareBenchmarks } from '../../../../src/orchestration/bench/compare-benchmarks.ts'
import { BenchmarkRunner } from '../../../../src/orchestration/bench/runner.ts'
import { benchmark } from '../../../../src/orchestration/benchmark.ts'
import { toBeFasterThan } from '../../../../src/presentation/matchers/stress-bench.ts'
import { seededRandom } from '../../../helpers/seeded-random.ts'

const random = seededRandom

/** Normal deviates by Box-Muller. */
function normal(seed: number, mean: number, sd: number): () => number {
  const next = random(seed)
  return () => mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
}

/**
 * A fake clock and functions that "take" a given time: each call advances the clock by the next duration,
 * so the runner measures exactly the durations drawn.
 */
function fakeTime() {
  let clock = 0
  return {
    runner: new BenchmarkRunner({ now: () => clock }),
    taking: (duration: () => number) => () => {
      clock += duration()
    },
  }
}

let sink = 0
/** Real work proportional to `n`, kept alive through `sink`. */
function work(n: number): void {
  let sum = 0
  for (let index = 0; index < n; index++) sum += Math.sqrt(index)
  sink += sum
}

describe('BenchmarkRunner: statistics of known distributions', () => {
  it('measures durations 1..100 ms exactly', async () => {
    const { runner, taking } = fakeTime()
    let call = 0
    // Any 100 consecutive calls take 1..100 ms once each.
    const result = await runner.benchmarkAsync(
      taking(() => (call++ % 100) + 1),
      { name: 'uniform', iterations: 100, warmupIterations: 0 },
    )
    expect(result.iterations).toBe(100)
    expect(result.stats).toMatchObject({ mean: 50.5, p50: 50.5, min: 1, max: 100, samples: 100 })
    expect(result.stats.p90).toBeCloseTo(90.1, 9)
    expect(result.stats.p99).toBeCloseTo(99.01, 9)
    expect(result.stats.sd).toBeCloseTo(29.011492, 5)
    expect(result.avgTime).toBe(50.5)
    expect(result.throughput).toBeCloseTo(1000 / 50.5, 9)
    expect(result.samplesMs).toEqual(Array.from({ length: 100 }, (_, index) => index + 1))
  })

  it('recovers a normal distribution N(10, 2²) from 5000 samples', async () => {
    const { runner, taking } = fakeTime()
    const result = await runner.benchmarkAsync(taking(normal(1, 10, 2)), { iterations: 5000 })
    expect(result.stats.mean).toBeCloseTo(10, 1)
    expect(result.stats.sd).toBeGreaterThan(1.9)
    expect(result.stats.sd).toBeLessThan(2.1)
    expect(result.stats.p50).toBeCloseTo(10, 1)
    // z(0.95) = 1.6449, z(0.99) = 2.3263
    expect(Math.abs(result.stats.p95 - 13.29)).toBeLessThan(0.15)
    expect(Math.abs(result.stats.p99 - 14.65)).toBeLessThan(0.25)
    expect(result.stats.rme).toBeCloseTo(((1.96 * 2) / Math.sqrt(5000) / 10) * 100, 1)
  })

  it('recovers an exponential distribution with mean 4 (median 4 ln 2) in the sync runner', () => {
    const { runner, taking } = fakeTime()
    const next = random(2)
    const result = runner.benchmarkSync(
      taking(() => -4 * Math.log(1 - next())),
      { iterations: 5000 },
    )
    expect(result.stats.mean).toBeGreaterThan(3.8)
    expect(result.stats.mean).toBeLessThan(4.2)
    expect(Math.abs(result.stats.p50 - 4 * Math.LN2)).toBeLessThan(0.15)
    expect(Math.abs(result.stats.p99 - 4 * Math.log(100))).toBeLessThan(1.2)
  })

  it('discards warmup iterations', async () => {
    const { runner, taking } = fakeTime()
    let call = 0
    // The first 10 calls (the warmup) take 1000 ms, every later one 1 ms.
    const result = await runner.benchmarkAsync(
      taking(() => (call++ < 10 ? 1000 : 1)),
      { iterations: 50, warmupIterations: 10 },
    )
    expect(result.stats.max).toBe(1)
    expect(result.iterations).toBe(50)
  })
})

describe('compareBenchmarks: significance on known distributions', () => {
  it('calls a 2x gap significant, with its p-value', async () => {
    const { runner, taking } = fakeTime()
    const fast = await runner.benchmarkAsync(taking(normal(3, 10, 1)), { name: 'fast', iterations: 500 })
    const slow = await runner.benchmarkAsync(taking(normal(4, 20, 2)), { name: 'slow', iterations: 500 })
    const comparison = compareBenchmarks([slow, fast])
    expect(comparison.fastest).toBe('fast')
    expect(comparison.ranking.map((rank) => rank.name)).toEqual(['fast', 'slow'])
    const [pair] = comparison.comparisons
    expect(pair).toMatchObject({ faster: 'fast', slower: 'slow', test: 'mann-whitney', significant: true })
    expect(pair!.ratio).toBeCloseTo(2, 1)
    expect(pair!.pValue).toBeLessThan(1e-10)
    expect(compareBenchmarks([slow, fast], { test: 'welch' }).comparisons[0]!.pValue).toBeLessThan(1e-10)
  })

  it('does not call two draws of the same distribution significant', async () => {
    const { runner, taking } = fakeTime()
    const a = await runner.benchmarkAsync(taking(normal(5, 10, 1)), { name: 'a', iterations: 500 })
    const b = await runner.benchmarkAsync(taking(normal(6, 10, 1)), { name: 'b', iterations: 500 })
    const [pair] = compareBenchmarks([a, b]).comparisons
    expect(pair!.significant).toBe(false)
    expect(pair!.pValue).toBeGreaterThan(0.05)
  })

  it('rejects fewer than two results and bad options', async () => {
    const { runner, taking } = fakeTime()
    const one = await runner.benchmarkAsync(
      taking(() => 1),
      { iterations: 10 },
    )
    for (const [run, option] of [
      [() => compareBenchmarks([one]), 'results'],
      [() => compareBenchmarks([one, one], { confidence: 95 }), 'confidence'],
      [() => compareBenchmarks([one, one], { minDifferencePercent: -1 }), 'minDifferencePercent'],
    ] as const) {
      expect(() => run()).toThrow(expect.objectContaining({ code: 'PERF_INVALID_OPTION', option }))
    }
  })
})

// Real functions on a real clock: a busy machine's neighbours move any one sample, so these tests assert the
// order of the two and how they were measured. How close the numbers come on a quiet machine (twice the work
// 1.6–2.4×, identical functions not significantly apart): `npm run bench` (bench/quiet-claims.mjs).
describe('compareFunctions: real functions', () => {
  it('finds a 2x gap significant, and the matcher agrees', async () => {
    const runner = new BenchmarkRunner()
    const { results, comparison } = await runner.compareFunctions(
      { single: () => work(10_000), double: () => work(20_000) },
      { iterations: 400, warmupIterations: 50 },
    )
    const [pair] = comparison.comparisons
    expect(comparison.fastest).toBe('single')
    expect(pair!.significant).toBe(true)
    expect(pair!.pValue).toBeLessThan(1e-6)
    // Twice the work measures slower, by a clear margin, on any machine.
    expect(pair!.ratio).toBeGreaterThan(1.3)
    const [single, double] = results
    expect(toBeFasterThan.call({ isNot: false }, single, double, { confidence: 0.99 }).pass).toBe(true)
    expect(toBeFasterThan.call({ isNot: false }, double, single).pass).toBe(false)
    expect(sink).toBeGreaterThan(0)
  })

  it('measures two identical functions in interleaved rounds, as often each, and calls no gap under 5% significant', async () => {
    const calls: string[] = []
    const runner = new BenchmarkRunner()
    const { results, comparison } = await runner.compareFunctions(
      {
        first: () => {
          calls.push('first')
          work(10_000)
        },
        second: () => {
          calls.push('second')
          work(10_000)
        },
      },
      { iterations: 400, warmupIterations: 50 },
    )
    // Five rounds, the order turned each time: drift on the machine lands on both alike.
    const turns = calls.filter((name, index) => index === 0 || name !== calls[index - 1]).length
    expect(turns).toBeGreaterThanOrEqual(5)
    expect(results.map((result) => result.stats.samples)).toEqual([400, 400])
    const [pair] = comparison.comparisons
    expect(pair!.significant && pair!.differencePercent < 5).toBe(false)
  })
})

describe('benchmark(fn) and validation', () => {
  it('is the short form of benchmarkAsync and awaits async functions', async () => {
    let calls = 0
    const result = await benchmark(
      async () => {
        calls++
        await Promise.resolve()
      },
      { iterations: 20, warmupIterations: 5 },
    )
    expect(result.target).toBe('function')
    expect(result.iterations).toBe(20)
    expect(calls).toBeGreaterThanOrEqual(25)
    expect(result.name).toBe('anonymous')
  })

  it("rejects with the function's own error", async () => {
    const failure = new Error('broken')
    await expect(
      benchmark(
        () => {
          throw failure
        },
        { iterations: 5 },
      ),
    ).rejects.toBe(failure)
  })

  it('names the bad option', async () => {
    const runner = new BenchmarkRunner()
    for (const [options, option] of [
      [{ iterations: 0 }, 'iterations'],
      [{ warmupIterations: -1 }, 'warmupIterations'],
      [{ minTimeMs: Number.NaN }, 'minTimeMs'],
      [{ name: '' }, 'name'],
    ] as const) {
      const error = await runner.benchmarkAsync(() => {}, options as never).catch((caught: unknown) => caught)
      expect(isPerfError(error, 'PERF_INVALID_OPTION')).toBe(true)
      expect((error as { option: string }).option).toBe(option)
    }
    expect(() => runner.benchmarkSync('nope' as never)).toThrow(expect.objectContaining({ option: 'fn' }))
  })
})
