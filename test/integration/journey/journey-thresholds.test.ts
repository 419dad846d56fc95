import { afterEach, describe, expect, it } from 'vitest'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { startServer, type TestServer } from '../../helpers/servers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('per-endpoint thresholds on a real run', () => {
  it('pass and fail on the endpoint they name', async () => {
    // /slow answers after 100 ms, /fast at once, /flaky fails every other request.
    let flaky = 0
    server = await startServer((request, response) => {
      if (request.url === '/slow') setTimeout(() => response.end('slow'), 100)
      else if (request.url === '/flaky') {
        response.statusCode = flaky++ % 2 === 0 ? 500 : 200
        response.end()
      } else response.end('fast')
    })
    const result = await loadTest({
      url: server.url,
      users: 2,
      duration: '1s',
      scenarios: [
        {
          name: 'reads',
          weight: 1,
          steps: [
            { name: 'fast', path: '/fast' },
            { name: 'slow', path: '/slow' },
          ],
        },
        { name: 'flaky', weight: 1, steps: [{ name: 'flaky', path: '/flaky' }] },
      ],
      thresholds: {
        'http_req_duration{name:fast}': ['med<90'],
        'http_req_duration{name:slow}': ['med<90'],
        'http_req_failed{name:fast}': ['rate<0.01'],
        'http_req_failed{name:flaky}': ['rate<0.01'],
        'http_reqs{scenario:reads}': ['count>2'],
      },
    })
    const verdicts = Object.fromEntries(
      result.thresholds.map((threshold) => [threshold.expression, threshold.passed]),
    )
    // The run has its own error-rate thresholds (tagged ones too): the error budget keeps only its floor.
    expect(verdicts).toEqual({
      'errorBudget: some request succeeded': true,
      'http_req_duration{name:fast}: med<90': true,
      'http_req_duration{name:slow}: med<90': false,
      'http_req_failed{name:fast}: rate<0.01': true,
      'http_req_failed{name:flaky}: rate<0.01': false,
      'http_reqs{scenario:reads}: count>2': true,
    })
    expect(result.success).toBe(false)
    expect(result.endpoints!['slow']!.responseTimes.p50).toBeGreaterThanOrEqual(90)
  })
})
