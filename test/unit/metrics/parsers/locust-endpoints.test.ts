import { describe, expect, it } from 'vitest'
import { parseLocustFailures, parseLocustStats } from '../../../../src/metrics/parsers/locust-csv.ts'
import { endpointKeys, locustEndpoints } from '../../../../src/metrics/parsers/locust-endpoints.ts'

const HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%'
const STATS = [
  HEADER,
  'GET,/items,10,0,20,21,19,30,2,5,0,20,21,21,22,25,28,30,30,30,30,30',
  'POST,/items,4,1,40,41,39,50,2,2,0.5,40,41,41,42,45,48,50,50,50,50,50',
  'POST,login,6,0,10,11,9,12,2,3,0,10,11,11,11,12,12,12,12,12,12,12',
  ',Aggregated,20,1,20,22,9,50,2,10,0.5,20,21,21,22,40,45,50,50,50,50,50',
].join('\n')
const FAILURES = ['Method,Name,Error,Occurrences', 'POST,/items,HTTP 503,1'].join('\n')
const HISTORY = [
  'Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size',
  '100,2,POST,login,0,0,10,11,11,11,12,12,12,12,12,12,12,4,0,10,11,9,12,2',
  '100,2,,Aggregated,0,0,20,21,21,22,40,45,50,50,50,50,50,12,0,20,22,9,50,2',
  '101,2,POST,login,0,0,10,11,11,11,12,12,12,12,12,12,12,5,0,10,11,9,12,2',
  '101,2,,Aggregated,0,0,20,21,21,22,40,45,50,50,50,50,50,18,1,20,22,9,50,2',
].join('\n')

describe('locustEndpoints', () => {
  const { rows } = parseLocustStats(STATS)

  it('keys a name by itself, or by `METHOD name` when it comes with several methods', () => {
    expect(endpointKeys(rows)).toEqual(['GET /items', 'POST /items', 'login'])
  })

  it("gives each endpoint its own counts, percentiles and failures, and the generated journey's paths", () => {
    const known = new Map([['login', { method: 'POST' as const, path: '/session/{{user}}' }]])
    const endpoints = locustEndpoints(rows, parseLocustFailures(FAILURES), HISTORY, 2000, known)
    expect(endpoints['GET /items']).toMatchObject({ method: 'GET', path: '/items', totalRequests: 10 })
    expect(endpoints['POST /items']?.errorsByType).toEqual({
      http_5xx: { count: 1, sampleMessages: ['HTTP 503'] },
    })
    expect(endpoints['GET /items']?.errorsByType).toEqual({})
    expect(endpoints.login).toMatchObject({ method: 'POST', path: '/session/{{user}}', totalRequests: 6 })
    expect(endpoints.login?.responseTimes.p50).toBe(10)
  })

  it("builds each endpoint's timeline from its own history rows, the rest in one final point", () => {
    const endpoints = locustEndpoints(rows, [], HISTORY, 2000)
    expect(endpoints.login?.timeline.map((point) => [point.second, point.requests])).toEqual([
      [0, 4],
      [1, 1],
      [2, 1],
    ])
    // No history rows of its own (the default, without --csv-full-history): no timeline.
    expect(endpoints['GET /items']?.timeline).toEqual([])
  })
})
