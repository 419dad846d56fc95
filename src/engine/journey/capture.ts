import type { CheckResponse, JourneyContext } from '../../foundation/types.ts'
import type { CaptureSource } from '../../options/journey/capture-path.ts'
import { parseJsonBody, readPath } from '../../options/journey/capture-path.ts'
import type { CaptureFunction } from '../../options/journey/resolve.ts'
import { promiseReturnedMessage, returnedPromise } from '../returned-promise.ts'

const CAPTURE_RETURNED_PROMISE = promiseReturnedMessage('capture function')

/** Why a step's captures failed, or undefined when they all found their value (written into ctx.vars). */
export function runCaptures(
  step: {
    readonly captures?: [name: string, source: CaptureSource][] | undefined
    readonly captureFunction?: CaptureFunction | undefined
  },
  response: CheckResponse,
  ctx: JourneyContext,
): { type: 'capture_failed' | 'step_function'; message: string } | undefined {
  if (step.captureFunction !== undefined) {
    let returned: unknown
    try {
      returned = step.captureFunction(response, ctx)
    } catch (error) {
      return {
        type: 'step_function',
        message: `capture function threw: ${error instanceof Error ? error.message : String(error)}`,
      }
    }
    return returnedPromise(returned)
      ? { type: 'step_function', message: CAPTURE_RETURNED_PROMISE }
      : undefined
  }
  let json: unknown
  let parsed = false
  for (const [name, source] of step.captures!) {
    let value: unknown
    if (source.from === 'header') {
      const header = response.headers[source.name]
      value = Array.isArray(header) ? header[0] : header
    } else {
      if (!parsed) {
        parsed = true
        try {
          json = parseJsonBody(response.body)
        } catch (error) {
          // A body that is not what its content-encoding says fails to decode before it is parsed.
          const why =
            error instanceof SyntaxError
              ? 'the body is not JSON'
              : `the body could not be decoded (${(error as Error).message})`
          return { type: 'capture_failed', message: `${name} (${source.expression}): ${why}` }
        }
      }
      value = readPath(json, source.path)
    }
    if (value === undefined || value === null) {
      return { type: 'capture_failed', message: `${name} (${source.expression}): not found in the response` }
    }
    ctx.vars[name] = value
  }
  return undefined
}
