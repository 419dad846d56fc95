const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'])
export const REDACTED = '[redacted]'

/** True for headers that carry credentials. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase())
}

/** Headers with credentials replaced, for results, reports and messages. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] = isSecretHeader(name) ? REDACTED : value
  }
  return redacted
}

/** A URL with its user and password replaced. */
export function redactUrl(url: URL | string): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    return String(url).replace(/\/\/[^/@]*@/, '//[redacted]@')
  }
  if (parsed.username === '' && parsed.password === '') return parsed.href
  parsed.username = 'redacted'
  parsed.password = parsed.password === '' ? '' : 'redacted'
  return parsed.href
}
