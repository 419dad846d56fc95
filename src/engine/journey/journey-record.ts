import type { ErrorType, NotSentReason } from '../../foundation/model/index.ts'
import type { CheckResponse, JourneyContext } from '../../foundation/types.ts'
import type { MetricsCollector } from '../../metrics/collector.ts'
import { checkPasses, undecodedBody } from '../../options/journey/step-checks.ts'
import { isExpectedStatus } from '../../options/request.ts'
import { classifyError, classifyStatus, describeError } from '../classify-error.ts'
import { CHECK_FUNCTION_NAME, checkFailure, checkResponseOf, statusMessage } from '../record.ts'
import { runCaptures } from './capture.ts'
import type { CompiledStep } from './compile-step.ts'

/** Records one failure of a step in the run's, the endpoint's and the scenario's collectors. */
export function recordStepError(
  step: CompiledStep,
  type: ErrorType,
  message: string,
  latencyMs?: number,
): void {
  for (const collector of step.collectors) collector.recordError(type, message, latencyMs)
}

/** Records a step's request that never went out (its template or function failed): not a request. */
export function recordStepNotSent(step: CompiledStep, reason: NotSentReason, message: string): void {
  for (const collector of step.collectors) collector.recordNotSent(reason, message)
}

/** Runs a step's named checks on a response and records each verdict; they never fail the request. */
function recordChecks(step: CompiledStep, response: CheckResponse): void {
  const decoded = undecodedBody()
  for (const check of step.checks!) {
    const passed = checkPasses(check, response, decoded)
    for (const collector of step.collectors) collector.recordCheck(check.name, passed)
  }
}

/**
 * Records a step's complete response in its three collectors: its status and its named checks, then
 * success, an unexpected status, a failed check or a failed capture (captures write `ctx.vars`). Returns
 * true on success. Headers and body are read only when the step has a check or a capture that reads them.
 */
export function recordStepResponse(
  step: CompiledStep,
  ctx: JourneyContext,
  status: number,
  latencyMs: number,
  serviceMs: number,
  rawHeaders: readonly (string | Buffer)[] | null,
  body: readonly Buffer[] | null,
): boolean {
  const { collectors, expectStatus } = step
  for (const collector of collectors) {
    collector.recordServiceTime(serviceMs)
    collector.recordStatus(status)
  }
  const response =
    step.keep || step.checks !== undefined ? checkResponseOf(status, rawHeaders, body) : undefined
  if (step.checks !== undefined) recordChecks(step, response!)
  const expected = expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
  if (!expected) {
    recordStepError(step, classifyStatus(status), statusMessage(status), latencyMs)
    return false
  }
  if (step.keep) {
    if (step.check !== undefined) {
      const failure = checkFailure(step.check, response!)
      for (const collector of collectors) collector.recordCheck(CHECK_FUNCTION_NAME, failure === undefined)
      if (failure !== undefined) {
        recordStepError(step, 'check_failed', failure, latencyMs)
        return false
      }
    }
    if (step.captures !== undefined || step.captureFunction !== undefined) {
      const problem = runCaptures(step, response!, ctx)
      if (problem !== undefined) {
        recordStepError(step, problem.type, problem.message, latencyMs)
        return false
      }
    }
  }
  for (const collector of collectors) collector.recordResponseTime(latencyMs)
  return true
}

/**
 * Records a step's request ended by a transport error; with `status` > 0 its status and latency too. Its
 * named checks run on what came: the status (0 without a response), no headers, no body (as k6's do).
 */
export function recordStepFailure(step: CompiledStep, error: Error, status: number, latencyMs: number): void {
  const type = classifyError(error)
  const message = describeError(error)
  for (const collector of step.collectors) {
    if (status !== 0) collector.recordStatus(status)
    collector.recordError(type, message, status !== 0 ? latencyMs : undefined)
  }
  if (step.checks !== undefined) recordChecks(step, checkResponseOf(status, null, null))
}

/**
 * Records a code iteration's response in its collectors (the run's, the endpoint's, the scenario's): its
 * status, then success or an unexpected status. Returns true on success.
 */
export function recordCodeResponse(
  collectors: readonly MetricsCollector[],
  expectStatus: ReadonlySet<number> | null,
  status: number,
  latencyMs: number,
  serviceMs: number,
): boolean {
  for (const collector of collectors) {
    collector.recordServiceTime(serviceMs)
    collector.recordStatus(status)
  }
  if (!isExpectedStatus(expectStatus, status)) {
    const type = classifyStatus(status)
    const message = statusMessage(status)
    for (const collector of collectors) collector.recordError(type, message, latencyMs)
    return false
  }
  for (const collector of collectors) collector.recordResponseTime(latencyMs)
  return true
}

/** Records a code iteration's request ended by a transport error; with `status` > 0 its status and latency too. */
export function recordCodeFailure(
  collectors: readonly MetricsCollector[],
  error: Error,
  status: number,
  latencyMs: number,
): void {
  const type = classifyError(error)
  const message = describeError(error)
  for (const collector of collectors) {
    if (status !== 0) collector.recordStatus(status)
    collector.recordError(type, message, status !== 0 ? latencyMs : undefined)
  }
}
