import { setOwn } from '../foundation/util/own-keys.ts'
import { FRAMING_HEADERS } from '../options/http-fields.ts'
import type { ResolvedRequest } from '../options/request.ts'

/** The request every engine sends, after the rules that are the same for all of them; and what changed. */
export interface RuledRequest {
  request: ResolvedRequest
  warnings: string[]
}

/**
 * The rules every engine (native on both transports, k6, ab, Locust) applies to the user's request, so a
 * run means the same whichever tool sends it (runAdapter applies them once, before any adapter runs):
 * - `content-length` and `transfer-encoding` in `headers` are dropped with a warning: each engine frames the
 *   body itself (a second Content-Length, or one that disagrees with the body, would be a broken request).
 * - `user:password@` in the URL becomes `authorization: Basic …` on every request (as k6, curl and browsers
 *   do), unless `headers` has an `authorization` of its own; the URL then goes out without them.
 */
export function applyRequestRules(request: ResolvedRequest): RuledRequest {
  const warnings: string[] = []
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (FRAMING_HEADERS.has(name.toLowerCase())) {
      warnings.push(
        `\`headers.${name}\` was not sent: every engine frames the body itself (content-length and ` +
          'transfer-encoding are dropped)',
      )
    } else setOwn(headers, name, value)
  }
  let { url } = request
  if (url.username !== '' || url.password !== '') {
    const hasOwn = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
    if (!hasOwn) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`
    } else {
      warnings.push("the URL's user:password was not sent: `headers.authorization` is sent instead")
    }
    url = new URL(url.href)
    url.username = ''
    url.password = ''
  }
  if (warnings.length === 0 && url === request.url) return { request, warnings }
  return { request: { ...request, url, headers }, warnings }
}

/** `run`'s warnings with the request rules' ones first (once: an adapter may have said the same). */
export function withRuleWarnings<T extends { warnings: string[] }>(run: T, warnings: readonly string[]): T {
  if (warnings.length === 0) return run
  return { ...run, warnings: [...warnings, ...run.warnings.filter((warning) => !warnings.includes(warning))] }
}
