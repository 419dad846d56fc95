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

/** The credential values of a run: URL user and password, and secret header values. */
export function secretsOf(options: { url: URL; headers: Record<string, string> }): string[] {
  const secrets = [decodeURIComponent(options.url.password), options.url.password]
  for (const [name, value] of Object.entries(options.headers)) {
    if (!isSecretHeader(name)) continue
    // 'Bearer <token>': the token alone may show up too.
    secrets.push(value, value.slice(value.indexOf(' ') + 1))
  }
  // Short values would redact innocent text; 4 characters is the least worth hiding.
  return [...new Set(secrets)].filter((secret) => secret.length >= 4)
}

/** `text` with every secret replaced. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(REDACTED)
  return scrubbed
}

/** An error (typically a tool's, with its stderr) with secrets scrubbed from its message and fields. */
export function scrubError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || secrets.length === 0) return error
  error.message = scrubSecrets(error.message, secrets)
  if (error.stack !== undefined) error.stack = scrubSecrets(error.stack, secrets)
  const withTail = error as { stderrTail?: unknown }
  if (typeof withTail.stderrTail === 'string') {
    Object.defineProperty(error, 'stderrTail', { value: scrubSecrets(withTail.stderrTail, secrets) })
  }
  return error
}
