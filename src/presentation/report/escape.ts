// Report text is user data (test names, URLs, error messages): every renderer escapes it for its format,
// and first takes out credentials a URL or header line may carry, whatever the result says.

const URL_CREDENTIALS = /\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#@]+@/gi
const SECRET_HEADER_LINE =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key)(\s*[:=]\s*)[^\n]+/gi

/** `text` with `user:password@` of URLs and the values of credential headers replaced. */
export function scrubReportText(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@').replace(SECRET_HEADER_LINE, '$1$2[redacted]')
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Safe in HTML text and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char)
}

// XML 1.0 allows tab, newline, carriage return and most of the rest; other control characters, lone
// surrogates and U+FFFE/U+FFFF make a parser reject the whole file.
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  )
}

const XML_ENTITIES: Record<string, string> = { ...HTML_ENTITIES, "'": '&apos;' }

/** Safe in XML text and in quoted attributes; characters XML cannot carry are dropped. */
export function escapeXml(text: string): string {
  // Array.from walks code points: a surrogate pair is one, a lone surrogate stays alone and is dropped.
  return Array.from(text)
    .filter((char) => isXmlChar(char.codePointAt(0) ?? 0))
    .join('')
    .replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char)
}

/** One line of Markdown text (a table cell, a list item): no markup, no line breaks, no cell splits. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_[\]{}<>|#~!]/g, (char) => `\\${char}`)
}

/** User text for HTML: credentials scrubbed, then escaped. */
export function htmlText(text: string): string {
  return escapeHtml(scrubReportText(text))
}

// C0 controls (ESC starts a terminal sequence, BEL rings, CR rewrites the line), DEL and C1 controls
// (U+009B is a one-character CSI on many terminals).
function isTerminalControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f)
}

/**
 * User text for the terminal: control characters shown as `\x1b` rather than obeyed, so a test or run name
 * cannot color, move or clear what perfspec prints. `keepLines` leaves line breaks (a multi-line message).
 */
export function escapeTerminal(text: string, options: { keepLines?: boolean } = {}): string {
  let escaped = ''
  let from = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (!isTerminalControl(code) || (code === 0x0a && options.keepLines === true)) continue
    escaped += `${text.slice(from, index)}\\x${code.toString(16).padStart(2, '0')}`
    from = index + 1
  }
  return from === 0 ? text : escaped + text.slice(from)
}
