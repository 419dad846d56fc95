import { seededRandom } from './seeded-random.ts'

/** Standard normal draws (Box–Muller) from a seeded generator, so a failing trial reproduces. */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed)
  return () => {
    // 1 − u is in (0, 1]: the log never sees 0.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()))
    return radius * Math.cos(2 * Math.PI * uniform())
  }
}

/** `count` lognormal values around `median`, with `sdLog` the standard deviation of their logs (0.05 ≈ 5%). */
export function lognormalSamples(
  normal: () => number,
  count: number,
  median: number,
  sdLog: number,
): number[] {
  return Array.from({ length: count }, () => median * Math.exp(sdLog * normal()))
}

/**
 * Round pairs of an A/B run: each round shares one machine factor (a busy neighbour slows both halves
 * alike), each half has its own noise, and head is `trueChange` (0.1 = +10%) heavier.
 */
export function pairedRounds(
  normal: () => number,
  pairs: number,
  { trueChange, sdLog, roundSdLog = 0.2 }: { trueChange: number; sdLog: number; roundSdLog?: number },
): { base: number[]; head: number[] } {
  const base: number[] = []
  const head: number[] = []
  for (let pair = 0; pair < pairs; pair++) {
    const round = Math.exp(roundSdLog * normal())
    base.push(100 * round * Math.exp(sdLog * normal()))
    head.push(100 * (1 + trueChange) * round * Math.exp(sdLog * normal()))
  }
  return { base, head }
}
