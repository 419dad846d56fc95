import type { ErrorSummary, ErrorType, LoadTestResult } from './load.ts'

// A certificate problem surfaces as 'other' (node:tls codes); its messages say so.
const TLS_MESSAGE = /certificate|self[- ]signed|SSL|TLS|UNABLE_TO_VERIFY|ERR_TLS|CERT_/i

/** What a user should look at first, per error type. */
function hintFor(type: ErrorType, summary: ErrorSummary, result: LoadTestResult): string {
  const url = safeUrl(result.options.url)
  switch (type) {
    case 'connection_refused':
      return `nothing is listening at ${url?.host ?? result.options.url}?`
    case 'connection_reset':
      return 'the server closed connections mid-request: did it crash, or hit a connection/keep-alive limit?'
    case 'timeout':
      return `no answer within the ${result.options.timeoutMs} ms \`timeout\`: a slow or stuck server, or raise \`timeout\``
    case 'dns':
      return `cannot resolve ${url?.hostname ?? 'the host'}: check the host name`
    case 'http_5xx':
      return 'server errors: see the server logs'
    case 'http_4xx':
      return 'the server refused the requests: check the URL, method and auth headers, or list the status in `expectStatus`'
    case 'unexpected_status':
      return 'statuses outside `expectStatus`'
    case 'check_failed':
      return 'your `check` returned false'
    case 'invalid_response':
      return 'malformed HTTP: is it the right port and protocol (http vs https)?'
    case 'template':
      return 'a `{{var}}` names a var that does not exist'
    case 'capture_failed':
      return 'a `capture` found nothing in the response'
    case 'step_function':
      return "a step's function threw"
    case 'tls':
      return 'TLS: the certificate is not trusted (self-signed? pass `tls: { ca }`), expired, or for another host'
    case 'stream_refused':
      return 'the server did not run HTTP/2 streams (REFUSED_STREAM or GOAWAY), nor when each was sent once more: over a concurrency or load limit, or shutting down?'
    case 'stream_reset':
      return 'the server reset HTTP/2 streams mid-request (RST_STREAM): see the code in the message and the server logs'
    case 'fd_exhausted':
      return 'out of file descriptors: raise `ulimit -n`, or use fewer `users`'
    case 'other':
      return hintFromMessages(summary.sampleMessages, result, url)
  }
}

// An error the engine could not classify (e.g. one from another realm, as under Jest) still says what it was.
function hintFromMessages(messages: readonly string[], result: LoadTestResult, url: URL | undefined): string {
  const said = (pattern: RegExp) => messages.some((message) => pattern.test(message))
  if (said(TLS_MESSAGE)) return 'TLS: the certificate is not trusted (self-signed?) or the handshake failed'
  if (said(/ECONNREFUSED/)) return `nothing is listening at ${url?.host ?? result.options.url}?`
  if (said(/ECONNRESET|EPIPE|socket hang up/)) return 'the server closed connections mid-request'
  if (said(/ENOTFOUND|EAI_AGAIN/)) return `cannot resolve ${url?.hostname ?? 'the host'}: check the host name`
  if (said(/ETIMEDOUT|timeout/i)) return 'timeouts: a slow or stuck server, or raise `timeout`'
  return 'see the sample message'
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * The errors of a run, most frequent first, one line each with what to look at:
 * `100% connection_refused (250 of 250): nothing is listening at 127.0.0.1:4711? — e.g. "connect ECONNREFUSED …"`.
 * Then the requests a journey never sent, by reason. Empty when no request failed and all were sent.
 */
export function describeErrors(result: LoadTestResult): string[] {
  const { totalRequests, errorsByType, notSent } = result.metrics
  const entries = Object.entries(errorsByType) as [ErrorType, ErrorSummary][]
  // Not requests, so no share of them: what a journey never sent, and why.
  const unsent = (Object.entries(notSent ?? {}) as [ErrorType, ErrorSummary][]).map(
    ([reason, summary]) =>
      `never sent: ${summary.count} ${reason} (not requests): ${hintFor(reason, summary, result)}` +
      (summary.sampleMessages[0] === undefined ? '' : ` — e.g. "${summary.sampleMessages[0]}"`),
  )
  return entries
    .filter(([, summary]) => summary.count > 0)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([type, summary]) => {
      const percent = totalRequests === 0 ? 100 : (summary.count / totalRequests) * 100
      const sample = summary.sampleMessages[0]
      return (
        `${Number(percent.toFixed(2))}% ${type} (${summary.count} of ${totalRequests}): ${hintFor(type, summary, result)}` +
        (sample === undefined ? '' : ` — e.g. "${sample}"`)
      )
    })
    .concat(unsent)
}
