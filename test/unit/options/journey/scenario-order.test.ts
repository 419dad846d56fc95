import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LOCUST_PICK_CODE } from '../../../../src/adapters/scripts/locust-journey-code.ts'
import { assignScenarios, WeightedRoundRobin } from '../../../../src/options/journey/scenario-order.ts'

function picks(weights: number[], count: number): number[] {
  const picker = new WeightedRoundRobin(weights)
  return Array.from({ length: count }, () => picker.next())
}

describe('the smooth weighted round robin', () => {
  it("is nginx's order: 5:1:1 interleaves, and 9:1 puts one 1 in every ten", () => {
    expect(picks([5, 1, 1], 7)).toEqual([0, 0, 1, 0, 2, 0, 0])
    expect(picks([9, 1], 10)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
  })

  it.each([[[9, 1]], [[3, 1]], [[1, 1, 1]], [[7, 2, 1]], [[1, 1_000_000]]])(
    'every run of consecutive picks of %j splits by weight within one pick',
    (weights) => {
      const total = weights.reduce((sum, weight) => sum + weight, 0)
      const sequence = picks(weights, Math.min(3 * total, 3000))
      for (const length of [1, 7, 10, 33, 100]) {
        for (let from = 0; from + length <= sequence.length; from += 13) {
          const window = sequence.slice(from, from + length)
          weights.forEach((weight, index) => {
            const count = window.filter((pick) => pick === index).length
            expect(Math.abs(count - (length * weight) / total)).toBeLessThan(2)
          })
        }
      }
    },
  )

  it('the per-user order is its first picks, stopping at the weights’ sum', () => {
    expect(assignScenarios([{ weight: 9 }, { weight: 1 }], 100)).toEqual(picks([9, 1], 10))
    expect(assignScenarios([{ weight: 9 }, { weight: 1 }], 4)).toEqual([0, 0, 0, 0])
  })
})

describe("the locustfile's round robin (Python)", () => {
  it('picks in the same order as the native engine’s', () => {
    const sets = [[9, 1], [5, 1, 1], [7, 2, 1], [1, 1_000_000], [3]]
    const program = `import json, sys\n${LOCUST_PICK_CODE}\nout = []\nfor weights in json.loads(sys.argv[1]):\n    picker = RoundRobin(weights)\n    out.append([picker.next() for _ in range(200)])\nprint(json.dumps(out))`
    const out = execFileSync('/usr/bin/python3', ['-c', program, JSON.stringify(sets)], { encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual(sets.map((weights) => picks(weights, 200)))
  })
})
