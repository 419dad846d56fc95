import type { EndpointMetrics, LoadTestResult } from '../../../foundation/model/index.ts'
import { formatCount, formatMs } from '../../../foundation/util/format.ts'
import { htmlText } from '../escape.ts'
import { METRIC_HEADERS, metricCells, num, renderSubheading, renderTable, txt } from './parts.ts'

/** The journey summary: each scenario's iterations and journey duration, then each endpoint's numbers. */
function renderJourneySummary(result: LoadTestResult, endpoints: [string, EndpointMetrics][]): string {
  const scenarios = Object.entries(result.scenarios ?? {})
  const scenarioTable =
    scenarios.length === 0
      ? ''
      : renderTable(
          ['scenario', 'iterations', 'failed', 'onStart failures', 'journey p50 ms', 'journey p95 ms'],
          scenarios.map(([name, scenario]) => [
            txt(name),
            num(formatCount(scenario.iterations)),
            num(formatCount(scenario.failedIterations), scenario.failedIterations > 0 ? 'bad' : undefined),
            num(formatCount(scenario.onStartFailures), scenario.onStartFailures > 0 ? 'bad' : undefined),
            num(formatMs(scenario.iterationDuration.p50)),
            num(formatMs(scenario.iterationDuration.p95)),
          ]),
        )
  const endpointTable = renderTable(
    ['endpoint', 'request', ...METRIC_HEADERS],
    endpoints.map(([name, endpoint], index) => [
      { html: `<a href="#${endpointAnchor(result, index)}">${htmlText(name)}</a>` },
      { html: `<code>${htmlText(`${endpoint.method} ${endpoint.path}`)}</code>` },
      ...metricCells(endpoint),
    ]),
  )
  return renderSubheading('Journey', endpoints.length) + scenarioTable + endpointTable
}

// Anchors from the run's start time and the endpoint's place: names may hold anything.
function endpointAnchor(result: LoadTestResult, index: number): string {
  return `endpoint-${result.startedAt.replace(/\D/g, '')}-${index}`
}

/** One endpoint: its charts over time and its latency distribution, as for a whole run. */
function renderEndpoint(
  result: LoadTestResult,
  [name, endpoint]: [string, EndpointMetrics],
  index: number,
  charts: (run: LoadTestResult) => string,
): string {
  const { serviceTimes: _serviceTimes, ...rest } = result
  const asRun: LoadTestResult = { ...rest, metrics: endpoint, timeline: endpoint.timeline }
  return (
    `<h4 id="${endpointAnchor(result, index)}">${htmlText(name)} <code>${htmlText(`${endpoint.method} ${endpoint.path}`)}</code></h4>` +
    `<div class="charts">${charts(asRun)}</div>`
  )
}

/**
 * A journey run's summary and a section per endpoint with the charts `charts` draws for a run (given each
 * endpoint as a run); '' for a run without endpoints. Pure.
 */
export function renderJourneyBody(result: LoadTestResult, charts: (run: LoadTestResult) => string): string {
  const endpoints = Object.entries(result.endpoints ?? {})
  if (endpoints.length === 0) return ''
  return (
    renderJourneySummary(result, endpoints) +
    endpoints.map((entry, index) => renderEndpoint(result, entry, index, charts)).join('')
  )
}
