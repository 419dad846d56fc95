import { loadTest } from 'perfspec'
import { expect, inject, test } from 'vitest'

test('search is no slower than last time', async () => {
  const result = await loadTest({ url: `${inject('demoUrl')}/api/search?q=boots` })

  // First run: records the baseline. Later runs: fails when p95 (or, separately, throughput) got worse by
  // more than the tolerance AND the floor. `vitest -u` accepts new numbers; in CI a missing baseline fails.
  // A shared laptop is noisy, so the demo allows 50%; see the README on choosing a tolerance.
  await expect(result).toMatchPerfBaseline({ tolerance: 0.5, floorMs: 5 })
})
