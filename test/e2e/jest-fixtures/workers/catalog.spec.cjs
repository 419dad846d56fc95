const { loadTest } = require('perfspec')

describe('catalog', () => {
  test('GET /products is fast', async () => {
    // The run's name carries the worker's pid, so the e2e test can see which process ran it.
    const result = await loadTest({
      url: `${process.env.FIXTURE_BASE_URL}/products`,
      name: `pid ${process.pid}`,
    })
    expect(result).toHaveP95Below(1000)
    expect(result).toHaveErrorRateBelow(1)
    expect(result).toHaveThroughputAbove(1)
    expect(result).not.toHaveP99Below(0)
    expect(result).toPassThresholds({ http_req_duration: ['p(95)<1000'], maxErrorRatePercent: 1 })
  })
})
