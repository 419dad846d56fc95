import type { ErrorType } from '../../foundation/model/index.ts'
import type { JourneyContext } from '../../foundation/types.ts'
import { classifyError, classifyStatus, describeError } from '../classify-error.ts'
import { checkFailure, checkResponseOf, statusMessage } from '../record.ts'
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

/**
 * Records a step's complete response in its three collectors: its status, then success, an unexpected
 * status, a failed check or a failed capture (captures write `ctx.vars`). Returns true on success. Headers
 * and body are read only when the step has a check or a capture.
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
  const expected = expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
  if (!expected) {
    recordStepError(step, classifyStatus(status), statusMessage(status), latencyMs)
    return false
  }
  if (step.keep) {
    const response = checkResponseOf(status, rawHeaders, body)
    const failure = step.check === undefined ? undefined : checkFailure(step.check, response)
    if (failure !== undefined) {
      recordStepError(step, 'check_failed', failure, latencyMs)
      return false
    }
    if (step.captures !== undefined || step.captureFunction !== undefined) {
      const problem = runCaptures(step, response, ctx)
      if (problem !== undefined) {
        recordStepError(step, problem.type, problem.message, latencyMs)
        return false
      }
    }
  }
  for (const collector of collectors) collector.recordResponseTime(latencyMs)
  return true
}

/** Records a step's request ended by a transport error; with `status` > 0 its status and latency too. */
export function recordStepFailure(step: CompiledStep, error: Error, status: number, latencyMs: number): void {
  const type = classifyError(error)
  const message = describeError(error)
  for (const collector of step.collectors) {
    if (status !== 0) collector.recordStatus(status)
    collector.recordError(type, message, status !== 0 ? latencyMs : undefined)
  }
}
