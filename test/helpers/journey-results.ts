import type { EndpointMetrics, LoadTestResult, ScenarioMetrics } from '../../src/foundation/model/index.ts'
import { makeResult, type ResultShape } from './results.ts'

/** A made-up journey result: the whole run from `shape`, each endpoint and scenario from its own shape. */
export function makeJourneyResult(
  shape: ResultShape,
  endpoints: Record<string, ResultShape>,
  scenarios: Record<string, ResultShape> = {},
): LoadTestResult {
  const result = makeResult(shape)
  result.endpoints = Object.fromEntries(
    Object.entries(endpoints).map(([name, part]): [string, EndpointMetrics] => [
      name,
      { ...makeResult(part).metrics, method: 'GET', path: `/${name}`, timeline: [] },
    ]),
  )
  result.scenarios = Object.fromEntries(
    Object.entries(scenarios).map(([name, part]): [string, ScenarioMetrics] => {
      const { metrics } = makeResult(part)
      return [
        name,
        {
          iterations: 1,
          failedIterations: 0,
          iterationDuration: metrics.responseTimes,
          onStartFailures: 0,
          metrics,
        },
      ]
    }),
  )
  return result
}
