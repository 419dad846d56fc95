import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { K6SampleReader } from '../../../../src/metrics/parsers/k6-samples.ts'

// 1 VU, 4 iterations of a module (test/fixtures/README.md): onStart POST login; each iteration GET cart
// (checks 'is 200' and 'never'), four custom metrics, group browse (GET item) with browse::deep (GET missing,
// a 404); iteration 1 asks for a path without '/', iteration 2 throws 'boom'.
const lines = readFileSync(
  new URL('../../../fixtures/k6/code-iteration-samples.jsonl', import.meta.url),
  'utf8',
).split('\n')

function read(named: string[] = []) {
  const reader = new K6SampleReader(named)
  for (const line of lines) reader.add(line)
  return reader.results(2000)
}

describe('K6SampleReader on recorded samples of a code iteration', () => {
  it('reads the run and its endpoints by their name tag, with statuses and failures by type', () => {
    const { metrics, endpoints } = read()
    expect(metrics).toMatchObject({ totalRequests: 13, failedRequests: 4, durationMs: 2000 })
    expect(metrics.statusCodes).toEqual({ '200': 9, '404': 4 })
    expect(metrics.errorsByType.http_4xx?.count).toBe(4)
    expect(Object.fromEntries(Object.entries(endpoints).map(([name, e]) => [name, e.totalRequests]))).toEqual(
      {
        login: 1,
        cart: 4,
        item: 4,
        missing: 4,
      },
    )
    expect(endpoints['cart']).toMatchObject({ method: 'GET', path: '/cart' })
    expect(endpoints['login']).toMatchObject({ method: 'POST', path: '/login' })
    expect(metrics.bytesReceived).toBeGreaterThan(0)
  })

  it('reads checks onto the run and the endpoint, and requests never sent with their messages', () => {
    const { metrics, endpoints } = read()
    expect(metrics.checks).toEqual({ 'is 200': { passes: 4, fails: 0 }, never: { passes: 0, fails: 4 } })
    expect(endpoints['cart']?.checks).toEqual(metrics.checks)
    expect(metrics.notSent?.step_function?.count).toBe(2)
    expect(metrics.notSent?.step_function?.sampleMessages).toEqual([
      "the path is a string starting with '/' or '?' (it is resolved against `url`)",
      'iteration: boom',
    ])
  })

  it('reads groups (their own requests, their completed runs) and the iterations', () => {
    const { groups, scenario } = read()
    expect(Object.keys(groups ?? {}).sort()).toEqual(['browse', 'browse::deep'])
    expect(groups?.['browse']).toMatchObject({ count: 4, metrics: { totalRequests: 4, failedRequests: 0 } })
    expect(groups?.['browse::deep']).toMatchObject({
      count: 4,
      metrics: { totalRequests: 4, failedRequests: 4 },
    })
    expect(groups?.['browse']?.duration.max).toBeGreaterThan(0)
    expect(scenario).toMatchObject({ iterations: 2, failedIterations: 2, onStartFailures: 0 })
  })

  it('reads each custom metric by its name tag, as its type', () => {
    expect(read().metrics.custom).toEqual({
      cart_size: expect.objectContaining({ type: 'trend', count: 4, min: 2, max: 5, mean: 3.5 }),
      carts: { type: 'counter', count: 4, rate: 2 },
      big: { type: 'rate', rate: 0.75, passes: 3, fails: 1 },
      last: { type: 'gauge', value: 3, min: 0, max: 3 },
    })
  })

  it('reports an endpoint a threshold named and the code never requested, without requests', () => {
    const { endpoints } = read(['order', 'cart'])
    expect(endpoints['order']).toMatchObject({ totalRequests: 0, path: '(not requested)' })
    expect(endpoints['cart']).toMatchObject({ totalRequests: 4, path: '/cart' })
  })
})
