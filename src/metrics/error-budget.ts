import type { LoadMetrics, ThresholdResult } from '../foundation/model/index.ts'
import type { ErrorBudget } from '../options/error-budget.ts'

/** The name every error-budget verdict starts with in `result.thresholds`. */
export const ERROR_BUDGET_NAME = 'errorBudget'

/** The error budget as one threshold verdict; undefined when the budget is off. */
export function evaluateErrorBudget(budget: ErrorBudget, metrics: LoadMetrics): ThresholdResult | undefined {
  if (budget === false) return undefined
  const anySucceeded = metrics.successfulRequests > 0
  const failedFraction = metrics.totalRequests === 0 ? 1 : metrics.failedRequests / metrics.totalRequests
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
