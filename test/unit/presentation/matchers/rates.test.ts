import { beforeAll, describe, expect, test } from 'vitest'
import { perfMatchers } from '../../../../src/presentation/matchers/index.ts'
import { failureOf, makeResult } from '../../../helpers/results.ts'

beforeAll(() => {
  expect.extend(perfMatchers)
})

describe('toHaveErrorRateBelow', () => {
  test('compares failed requests in percent of all requests', () => {
    const result = makeResult({ requests: 200, failed: 3 })
    expect(result).toHaveErrorRateBelow(2)
    expect(result).not.toHaveErrorRateBelow(1.5)
  })

  test('names the error rate, the limit and the actual percentage', () => {
    const result = makeResult({ requests: 200, failed: 3 })
    expect(failureOf(() => expect(result).toHaveErrorRateBelow(1))).toContain(
      'Expected error rate to be below 1%\nReceived error rate: 1.5%',
    )
  })

  test('a run with no requests has no error rate to be below anything', () => {
    expect(makeResult({ requests: 0 })).not.toHaveErrorRateBelow(1)
  })
})

describe('toHaveThroughputAbove', () => {
  test('compares requests per second', () => {
    expect(makeResult({ rps: 250 })).toHaveThroughputAbove(200)
    expect(makeResult({ rps: 250 })).not.toHaveThroughputAbove(250)
  })

  test('names the throughput, the limit and the actual rate', () => {
    expect(failureOf(() => expect(makeResult({ rps: 120.456 })).toHaveThroughputAbove(500))).toContain(
      'Expected throughput to be above 500 rps\nReceived throughput: 120.46 rps',
    )
  })
})
