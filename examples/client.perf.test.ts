import { PerformanceClient } from 'perfspec'
import { afterAll, expect, inject, test } from 'vitest'

// The seed's facade: one client with a base URL, a tool and defaults shared by its runs.
const client = new PerformanceClient({
  baseUrl: inject('demoUrl'),
  tool: 'native',
  defaults: { users: 4, durationMs: 2000 },
})

afterAll(() => client.close())

test('the client runs load tests against its base URL', async () => {
  const result = await client.loadTest({ url: '/api/products', name: 'products via client' })

  expect(result.name).toBe('products via client')
  expect(result).toHaveP95Below(200)
  expect(result).toPassThresholds({ maxErrorRatePercent: 1, minThroughputRps: 50 })
})
