import type { ErrorType, NotSentReason } from '../../foundation/model/index.ts'
import type { CheckResponse, JourneyContext } from '../../foundation/types.ts'
import type { MetricsCollector } from '../../metrics/collector.ts'
import type { CaptureSource } from '../../options/journey/capture-path.ts'
import type { CaptureFunction } from '../../options/journey/resolve.ts'
import { checkPasses, type ResolvedCheck, undecodedBody } from '../../options/journey/step-checks.ts'
import { isExpectedStatus } from '../../options/request.ts'
import { classifyError, classifyStatus, describeError } from '../classify-error.ts'
import { CHECK_FUNCTION_NAME, checkFailure, checkResponseOf, statusMessage } from '../record.ts'
import { runCaptures } from './capture.ts'

/**
 * What a journey request is recorded against: its collectors (the run's, the endpoint's, the scenario's,
 * a group's) and its expected statuses; a declarative step adds its checks and captures.
 */
export interface RecordTarget {
  readonly collectors: readonly MetricsCollector[]
  readonly expectStatus: ReadonlySet<number> | null
  readonly check?: ((response: CheckResponse) => boolean) | undefined
  /** Named checks, run on every response (and failed request); they never fail the request. */
  readonly checks?: ResolvedCheck[] | undefined
  readonly captures?: [name: string, source: CaptureSource][] | undefined
  readonly captureFunction?: CaptureFunction | undefined
}

/** Records one failure of a request in its collectors. */
export function recordError(
  target: RecordTarget,
  type: ErrorType,
  message: string,
  latencyMs?: number,
): void {
  for (const collector of target.collectors) collector.recordError(type, message, latencyMs)
}

/** Records a request that never went out (its template or function failed): not a request. */
export function recordNotSent(
  collectors: readonly MetricsCollector[],
  reason: NotSentReason,
  message: string,
): void {
  for (const collector of collectors) collector.recordNotSent(reason, message)
}

/** Runs a step's named checks on a response and records each verdict. */
function recordChecks(target: RecordTarget, checks: ResolvedCheck[], response: CheckResponse): void {
  const decoded = undecodedBody()
  for (const check of checks) {
    const passed = checkPasses(check, response, decoded)
    for (const collector of target.collectors) collector.recordCheck(check.name, passed)
  }
}

/**
 * Records a complete response: its status and its named checks, then success, an unexpected status, a
 * failed check or a failed capture (captures write `ctx.vars`). Returns true on success. Headers and body
 * are read only when the target has a check or a capture.
 */
export function recordResponse(
  target: RecordTarget,
  ctx: JourneyContext | undefined,
  status: number,
  latencyMs: number,
  serviceMs: number,
  rawHeaders: readonly (string | Buffer)[] | null,
  body: readonly Buffer[] | null,
): boolean {
  const { collectors, check, checks } = target
  for (const collector of collectors) {
    collector.recordServiceTime(serviceMs)
    collector.recordStatus(status)
  }
  const captures = target.captures !== undefined || target.captureFunction !== undefined
  const response =
    check !== undefined || checks !== undefined || captures
      ? checkResponseOf(status, rawHeaders, body)
      : undefined
  if (checks !== undefined) recordChecks(target, checks, response!)
  if (!isExpectedStatus(target.expectStatus, status)) {
    recordError(target, classifyStatus(status), statusMessage(status), latencyMs)
    return false
  }
  if (check !== undefined) {
    const failure = checkFailure(check, response!)
    for (const collector of collectors) collector.recordCheck(CHECK_FUNCTION_NAME, failure === undefined)
    if (failure !== undefined) {
      recordError(target, 'check_failed', failure, latencyMs)
      return false
    }
  }
  if (captures) {
    const problem = runCaptures(target, response!, ctx!)
    if (problem !== undefined) {
      recordError(target, problem.type, problem.message, latencyMs)
      return false
    }
  }
  for (const collector of collectors) collector.recordResponseTime(latencyMs)
  return true
}

/**
 * Records a request ended by a transport error; with `status` > 0 its status and latency too. Named checks
 * run on what came: the status (0 without a response), no headers, no body (as k6's do).
 */
export function recordFailure(target: RecordTarget, error: Error, status: number, latencyMs: number): void {
  const type = classifyError(error)
  const message = describeError(error)
  for (const collector of target.collectors) {
    if (status !== 0) collector.recordStatus(status)
    collector.recordError(type, message, status !== 0 ? latencyMs : undefined)
  }
  if (target.checks !== undefined) recordChecks(target, target.checks, checkResponseOf(status, null, null))
}
