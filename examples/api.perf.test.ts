import { loadTest } from 'perfspec'
import { describe, expect, inject, test } from 'vitest'

describe('products API', () => {
  test('GET /api/products under 4 users', async () => {
    // users and duration come from perf({ defaults }); the test's timeout would stop the run.
    const result = await loadTest({ url: `${inject('demoUrl')}/api/products` })

    expect(result).toHaveP95Below(200)
    expect(result).toHaveP99Below(500)
    expect(result).toHaveErrorRateBelow(1)
    expect(result).toHaveThroughputAbove(50)
  })

  test('GET /health survives 8 users for 3 s', async () => {
    // Runs longer than 2 s show live progress on a terminal (not in CI).
    const result = await loadTest({ url: `${inject('demoUrl')}/health`, users: 8, duration: '3s' })

    expect(result).toHavePercentileBelow(99.9, 500)
    expect(result).toHaveMaxResponseTimeBelow(2000)
  })
})
