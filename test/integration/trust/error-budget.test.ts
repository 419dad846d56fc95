import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeErrors } from '../../../src/foundation/model/index.ts'
import { loadTest } from '../../../src/orchestration/load-test.ts'
import { hasOpenssl, startSelfSignedServer } from '../../helpers/self-signed.ts'
import { delayed, startServer, type TestServer, unusedPort } from '../../helpers/servers.ts'

describe('the error budget of a load run', () => {
  let ok: TestServer
  let failing: TestServer
  beforeAll(async () => {
    ok = await startServer()
    failing = await startServer(delayed(0, 500))
  })
  afterAll(async () => {
    await ok.close()
    await failing.close()
  })

  it('fails a run against a port where nothing listens, naming connection_refused and the address', async () => {
    const port = await unusedPort()
    const result = await loadTest({ url: `http://127.0.0.1:${port}/`, users: 2, requests: 20 })
    expect(result.success).toBe(false)
    const budget = result.thresholds.find((threshold) => threshold.expression.startsWith('errorBudget:'))
    expect(budget).toMatchObject({ passed: false, actual: 1 })
    const [line] = describeErrors(result)
    expect(line).toMatch(
      new RegExp(
        `^100% connection_refused \\(20 of 20\\): nothing is listening at 127\\.0\\.0\\.1:${port}\\?`,
      ),
    )
  })

  it('fails a run that gets only 500s, naming http_5xx', async () => {
    const result = await loadTest({ url: `${failing.url}/`, users: 2, requests: 20 })
    expect(result.success).toBe(false)
    expect(describeErrors(result)[0]).toMatch(/^100% http_5xx \(20 of 20\): server errors/)
  })

  it.skipIf(!hasOpenssl)('fails a run against a self-signed HTTPS target, naming TLS', async () => {
    const tls = await startSelfSignedServer()
    try {
      const result = await loadTest({ url: tls.url, users: 1, requests: 5 })
      expect(result.success).toBe(false)
      expect(describeErrors(result)[0]).toMatch(
        /^100% tls \(5 of 5\): TLS: the certificate is not trusted \(self-signed\?/,
      )
    } finally {
      await tls.close()
    }
  })

  it('lets expectStatus decide what counts as a failure', async () => {
    const result = await loadTest({ url: `${failing.url}/`, users: 2, requests: 20, expectStatus: 500 })
    expect(result.success).toBe(true)
    expect(result.metrics.failedRequests).toBe(0)
  })

  it('passes a healthy run, with the budget among its thresholds', async () => {
    const result = await loadTest({ url: `${ok.url}/`, users: 2, requests: 20 })
    expect(result.success).toBe(true)
    expect(result.thresholds).toContainEqual({
      expression: 'errorBudget: failed rate<=0.01, some request succeeded',
      actual: 0,
      passed: true,
    })
  })

  it('takes a budget per run, and none with false', async () => {
    let served = 0
    const halfFailing = await startServer((_request, response) => {
      response.statusCode = served++ % 2 === 0 ? 200 : 500
      response.end()
    })
    try {
      const url = `${halfFailing.url}/`
      const strict = await loadTest({ url, users: 1, requests: 20 })
      const loose = await loadTest({ url, users: 1, requests: 20, errorBudget: 0.6 })
      const off = await loadTest({ url, users: 1, requests: 20, errorBudget: false })
      expect([strict.success, loose.success, off.success]).toEqual([false, true, true])
      expect(off.thresholds.some((threshold) => threshold.expression.startsWith('errorBudget:'))).toBe(false)
    } finally {
      await halfFailing.close()
    }
  })

  it("lets a run's own error-rate threshold set the rate, keeping the no-success rule", async () => {
    let served = 0
    const halfFailing = await startServer((_request, response) => {
      response.statusCode = served++ % 2 === 0 ? 200 : 500
      response.end()
    })
    try {
      const url = `${halfFailing.url}/`
      const own = await loadTest({
        url,
        users: 1,
        requests: 20,
        thresholds: { http_req_failed: ['rate<0.6'] },
      })
      expect(own.success).toBe(true)
      expect(own.thresholds.at(-1)).toMatchObject({
        expression: 'errorBudget: some request succeeded',
        passed: true,
      })
      const dead = await loadTest({
        url: `http://127.0.0.1:${await unusedPort()}/`,
        requests: 5,
        thresholds: { maxErrorRatePercent: 100 },
      })
      expect(dead.success).toBe(false)
    } finally {
      await halfFailing.close()
    }
  })
})
