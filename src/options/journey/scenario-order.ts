import type { ResolvedScenario } from './resolve.ts'

/**
 * Smooth weighted round robin (nginx's): each pick adds every weight to its entry's credit, takes the entry
 * with the most (the first of equals), and takes the weights' sum from it. Any run of consecutive picks
 * splits by weight as closely as whole picks can: 9:1 gives exactly one 1 in every ten. The generated k6
 * script (K6_SCENARIO_ORDER_CODE) and locustfile (LOCUST_PICK_CODE) pick with the same algorithm, in the same order.
 */
export class WeightedRoundRobin {
  private readonly weights: readonly number[]
  private readonly credit: number[]
  private readonly total: number

  constructor(weights: readonly number[]) {
    this.weights = weights
    this.credit = weights.map(() => 0)
    this.total = weights.reduce((sum, weight) => sum + weight, 0)
  }

  /** The index of the next pick. */
  next(): number {
    const { weights, credit } = this
    let best = 0
    for (let index = 0; index < weights.length; index++) {
      credit[index]! += weights[index]!
      if (credit[index]! > credit[best]!) best = index
    }
    credit[best]! -= this.total
    return best
  }
}

/**
 * Which scenario each of the first `count` users runs (`mix: 'per-user'`): the round robin's first picks,
 * so any run of consecutive users splits by weight as closely as whole users can. The order repeats after
 * the weights' sum, so it stops there. The native engine and the generated k6 script split users by this
 * one order.
 */
export function assignScenarios(
  scenarios: readonly Pick<ResolvedScenario, 'weight'>[],
  count: number,
): number[] {
  const picker = new WeightedRoundRobin(scenarios.map((scenario) => scenario.weight))
  const total = scenarios.reduce((sum, scenario) => sum + scenario.weight, 0)
  const order: number[] = []
  for (let user = 0; user < Math.min(count, total); user++) order.push(picker.next())
  return order
}
