import type { LoadMetrics, ScenarioMetrics, ThresholdResult } from '../foundation/model/index.ts'
import type { ErrorBudget } from '../options/error-budget.ts'
import { notSentCount } from './not-sent.ts'

/** The name every error-budget verdict starts with in `result.thresholds`. */
export const ERROR_BUDGET_NAME = 'errorBudget'

/**
 * The error budget as one threshold verdict; undefined when the budget is off. Requests a journey never sent
 * (a template or step function failed) are not requests, but they are attempts that failed: the budget's
 * failed rate counts them.
 */
export function evaluateErrorBudget(budget: ErrorBudget, metrics: LoadMetrics): ThresholdResult | undefined {
  if (budget === false) return undefined
  const anySucceeded = metrics.successfulRequests > 0
  const unsent = notSentCount(metrics)
  const attempts = metrics.totalRequests + unsent
  const failedFraction = attempts === 0 ? 1 : (metrics.failedRequests + unsent) / attempts
  if (budget.maxFraction === undefined) {
    return {
      expression: `${ERROR_BUDGET_NAME}: some request succeeded`,
      actual: metrics.successfulRequests,
      passed: anySucceeded,
    }
  }
  return {
    expression: `${ERROR_BUDGET_NAME}: failed rate<=${budget.maxFraction}, some request succeeded`,
    actual: failedFraction,
    passed: anySucceeded && failedFraction <= budget.maxFraction,
  }
}

/** True for the verdict `evaluateErrorBudget` made. */
export function isErrorBudgetVerdict(threshold: ThresholdResult): boolean {
  return threshold.expression.startsWith(`${ERROR_BUDGET_NAME}:`)
}

/** The scenarios of a mix that never ran: no iteration, no `onStart`, no request (sent or not). */
export function scenariosNeverRun(scenarios: Record<string, ScenarioMetrics> | undefined): string[] {
  const all = Object.entries(scenarios ?? {})
  if (all.length < 2) return []
  return all
    .filter(
      ([, scenario]) =>
        scenario.iterations + scenario.failedIterations + scenario.onStartFailures === 0 &&
        scenario.metrics.totalRequests + notSentCount(scenario.metrics) === 0,
    )
    .map(([name]) => name)
}

/**
 * The error budget's verdict on a mix: every scenario (each has a weight > 0) ran. A weighted scenario
 * that got no load is a mix that was not tested. Undefined when the budget is off or every scenario ran.
 */
export function evaluateScenarioCoverage(
  budget: ErrorBudget,
  neverRun: readonly string[],
): ThresholdResult | undefined {
  if (budget === false || neverRun.length === 0) return undefined
  return {
    expression: `${ERROR_BUDGET_NAME}: every scenario of the mix ran`,
    actual: neverRun.length,
    passed: false,
    note: `never ran: ${neverRun.map((name) => `'${name}'`).join(', ')}`,
  }
}
