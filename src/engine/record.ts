import type { CheckResponse } from '../foundation/types.ts'
import { classifyError, classifyStatus, describeError } from './classify-error.ts'
import { decodeBody } from './decode-body.ts'
import { promiseReturnedMessage, returnedPromise } from './returned-promise.ts'
import type { RunState } from './run-state.ts'

const STATUS_MESSAGES: string[] = []
export function statusMessage(status: number): string {
  STATUS_MESSAGES[status] ??= `HTTP ${status}`
  return STATUS_MESSAGES[status]
}

/** Raw header pairs (names and values alternating, as strings or as undici's Buffers) as an object. */
export function headersToObject(raw: readonly (string | Buffer)[] | null): CheckResponse['headers'] {
  const headers: Record<string, string | string[] | undefined> = {}
  if (raw === null) return headers
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString().toLowerCase()
    const value = raw[i + 1]!.toString()
    const existing = headers[name]
    headers[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return headers
}

/**
 * What a `check` or a journey capture sees of a response: its status, its headers as an object, and its body
 * decoded (gzip, br, deflate) when first read, once; the bytes counted are the wire's.
 */
export function checkResponseOf(
  status: number,
  rawHeaders: readonly (string | Buffer)[] | null,
  bodyChunks: readonly Buffer[] | null,
): CheckResponse {
  const headers = headersToObject(rawHeaders)
  let body: string | undefined
  return {
    status,
    headers,
    get body(): string {
      body ??=
        bodyChunks === null
          ? ''
          : decodeBody(Buffer.concat(bodyChunks), headers['content-encoding']).toString()
      return body
    },
  }
}

const CHECK_FAILED: string[] = []
function checkFailedMessage(status: number): string {
  CHECK_FAILED[status] ??= `check failed (HTTP ${status})`
  return CHECK_FAILED[status]
}

const CHECK_RETURNED_PROMISE = promiseReturnedMessage('check')

/** The name a `check` function's verdicts are counted under in `metrics.checks`. */
export const CHECK_FUNCTION_NAME = 'check'

/**
 * Why a `check` failed a response — it returned false, threw, or returned a Promise (never a pass) — or
 * undefined when it passed.
 */
export function checkFailure(
  check: (response: CheckResponse) => boolean,
  response: CheckResponse,
): string | undefined {
  let verdict: unknown
  try {
    verdict = check(response)
  } catch {
    return checkFailedMessage(response.status)
  }
  if (verdict === false) return checkFailedMessage(response.status)
  return returnedPromise(verdict) ? CHECK_RETURNED_PROMISE : undefined
}

/**
 * Records a complete response, whatever transport read it: its status, then success, an unexpected status
 * or a failed check. `latencyMs` counts from when the request was due, `serviceMs` from when it was sent
 * (kept only by the open model's collector). Headers and body are read only when the run has a `check`.
 */
export function recordResponse(
  state: RunState,
  status: number,
  latencyMs: number,
  serviceMs: number,
  rawHeaders: readonly (string | Buffer)[] | null,
  bodyChunks: readonly Buffer[] | null,
): void {
  const { collector, expectStatus, check } = state
  collector.recordServiceTime(serviceMs)
  collector.recordStatus(status)
  const expected = expectStatus === null ? status >= 200 && status < 400 : expectStatus.has(status)
  if (!expected) {
    collector.recordError(classifyStatus(status), statusMessage(status), latencyMs)
    return
  }
  if (check === undefined) {
    collector.recordResponseTime(latencyMs)
    return
  }
  const failure = checkFailure(check, checkResponseOf(status, rawHeaders, bodyChunks))
  collector.recordCheck(CHECK_FUNCTION_NAME, failure === undefined)
  if (failure !== undefined) collector.recordError('check_failed', failure, latencyMs)
  else collector.recordResponseTime(latencyMs)
}

/**
 * Records `count` requests ended by a transport error (not when the run was aborted). When the first of them
 * had its response head (`status` > 0), its status and latency are recorded too.
 */
export function recordFailure(
  state: RunState,
  error: Error,
  status: number,
  latencyMs: number,
  count = 1,
): void {
  if (count === 0 || state.aborted) return
  const { collector } = state
  const type = classifyError(error)
  const message = describeError(error)
  if (status !== 0) collector.recordStatus(status)
  collector.recordError(type, message, status !== 0 ? latencyMs : undefined)
  for (let i = 1; i < count; i++) collector.recordError(type, message)
}
