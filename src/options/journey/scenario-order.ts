import type { ResolvedScenario } from './resolve.ts'

/**
 * Which scenario each of the first `count` users runs: smooth weighted round robin (nginx's), so any run of
 * consecutive users splits by weight as closely as whole users can (9:1 gives one buyer in every ten). The
 * native engine and the generated k6 script split users by this one order.
 */
export function assignScenarios(
  scenarios: readonly Pick<ResolvedScenario, 'weight'>[],
  count: number,
): number[] {
  const total = scenarios.reduce((sum, scenario) => sum + scenario.weight, 0)
  const current = scenarios.map(() => 0)
  const order: number[] = []
  for (let user = 0; user < Math.min(count, total); user++) {
    let best = 0
    for (let index = 0; index < scenarios.length; index++) {
      current[index]! += scenarios[index]!.weight
      if (current[index]! > current[best]!) best = index
    }
    current[best]! -= total
    order.push(best)
  }
  return order
}
