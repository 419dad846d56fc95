/**
 * What may go on the wire in a request's head, checked on the characters the engines actually send, before
 * any traffic. Every engine encodes header text differently (the native engine as Latin-1, which keeps only
 * the low byte of a character: U+010D would go out as CR), so one rule holds for all of them: a header value
 * is RFC 9110 field-value text made of Latin-1 characters, and nothing of the head is a control character.
 * Each check returns what the text was expected to be (to follow "Expected the `x` option to be"), or
 * undefined when it may go out: the caller names the option.
 */

/**
 * Framing comes from the body (`content-length`, or none): the user's framing headers never go out, on any
 * engine (the request rules drop them with a warning; the native transports never write them).
 */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding'])

/** RFC 9110 token: a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** A character that is not RFC 9110 field-value text: CTLs but HTAB (NUL, CR, LF, ESC …, DEL) or above Latin-1. */
const NOT_FIELD_TEXT = /[^\t\x20-\x7e\x80-\xff]/
/** The characters that may reach a request line or a host header: visible ASCII. */
const NOT_VISIBLE_ASCII = /[^\x21-\x7e]/
/** Controls in a URL as given: WHATWG URL parsing would silently drop tab, CR and LF. */
const URL_CONTROL = /[^\x20-\x7e\u0080-\uffff]/

const CONTROL_NAMES: Record<number, string> = {
  0: 'NUL',
  9: 'HTAB',
  10: 'LF',
  13: 'CR',
  27: 'ESC',
  127: 'DEL',
}

/** A character for a message: its code point, and its name or itself when printable. */
export function describeChar(char: string): string {
  const code = char.codePointAt(0)!
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  const name = CONTROL_NAMES[code]
  if (name !== undefined) return `${hex} (${name})`
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? hex : `${hex} '${char}'`
}

/** Text for a message: controls escaped, so a hostile value cannot forge lines of a log. */
export function escapeForMessage(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

/** Why `name` cannot be a header name, or undefined when it is an RFC 9110 token. */
export function headerNameProblem(name: string): string | undefined {
  if (TOKEN.test(name)) return undefined
  const bad = [...name].find((char) => !TOKEN.test(char))
  const why = bad === undefined ? '' : ` (not ${describeChar(bad)})`
  return `header names that are RFC 9110 tokens: letters, digits and !#$%&'*+-.^_\`|~${why}`
}

/**
 * Why `value` cannot go out as a header value, or undefined when it can. RFC 9110 field-value: visible
 * ASCII, SP, HTAB and obs-text (U+0080–U+00FF, sent as that one byte), no space or tab at either end.
 */
export function headerValueProblem(value: string): string | undefined {
  const match = NOT_FIELD_TEXT.exec(value)
  if (match !== null) {
    const char = String.fromCodePoint(value.codePointAt(match.index)!)
    if (char.codePointAt(0)! > 0xff) {
      return (
        `Latin-1 text: header values go on the wire as Latin-1 bytes, and ${describeChar(char)} at index ` +
        `${match.index} has none; send ASCII, e.g. encodeURIComponent(value), and decode it on the server`
      )
    }
    return `a header value without control characters (${describeChar(char)} at index ${match.index})`
  }
  if (/^[\t ]|[\t ]$/.test(value)) return 'a header value without a space or tab at either end'
  return undefined
}

/** Not ASCII field text: a control character but HTAB, or anything above U+007F. */
const NOT_ASCII_FIELD_TEXT = /[^\t\x20-\x7e]/

/**
 * A rendered header value (one with a `{{var}}`) as every engine sends it: optional whitespace at either end
 * (RFC 9110 §5.5) trimmed, as k6's Go client always does.
 */
export function trimHeaderValue(value: string): string {
  return value.replace(/^[\t ]+|[\t ]+$/g, '')
}

/**
 * Why a rendered, trimmed header value cannot go out, or undefined when it can: ASCII field text only. The
 * native engine would send é as one Latin-1 byte, k6 and Locust as two UTF-8 bytes: refused on all of them.
 */
export function renderedHeaderValueProblem(value: string): string | undefined {
  const match = NOT_ASCII_FIELD_TEXT.exec(value)
  if (match === null) return undefined
  const char = String.fromCodePoint(value.codePointAt(match.index)!)
  if (char.codePointAt(0)! < 0x80)
    return `a header value without control characters (${describeChar(char)} at index ${match.index})`
  return (
    `ASCII text (${describeChar(char)} at index ${match.index}): engines send other text as different ` +
    'bytes; send ASCII, e.g. encodeURIComponent(value), and decode it on the server'
  )
}

/** Why the URL string as given cannot be a target, or undefined: controls are refused, not dropped. */
export function rawUrlProblem(url: string): string | undefined {
  const match = URL_CONTROL.exec(url)
  return match === null
    ? undefined
    : `a URL without control characters (${describeChar(match[0])} at index ${match.index})`
}

/**
 * Why a parsed URL cannot go out, or undefined: its path and query (the request line) and its host (the
 * host header) must be visible ASCII. WHATWG URL percent-encodes or punycodes everything else, so this
 * only guards that promise.
 */
export function parsedUrlProblem(url: URL): string | undefined {
  for (const [part, text] of [
    ['path and query', `${url.pathname}${url.search}`],
    ['host and port', url.host],
  ] as const) {
    const match = NOT_VISIBLE_ASCII.exec(text)
    if (match !== null) return `a URL whose ${part} are visible ASCII (not ${describeChar(match[0])})`
  }
  return undefined
}

/**
 * For the external tools, which all send header text as UTF-8 (k6, ab, Locust's geventhttpclient): the
 * first header whose value has obs-text (U+0080–U+00FF) and why it cannot go out as given, or undefined.
 * Such a character is one Latin-1 byte from the native engine but two from these tools: refused rather
 * than sent as other bytes.
 */
export function utf8HeaderProblem(
  headers: Readonly<Record<string, string>>,
): { option: string; why: string } | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const match = /[\x80-\xff]/.exec(value)
    if (match === null) continue
    return {
      option: `headers.${name}`,
      why:
        `it sends header text as UTF-8, so ${describeChar(match[0])} would go out as two bytes, not the one ` +
        'Latin-1 byte the native engine sends; send ASCII, e.g. encodeURIComponent(value)',
    }
  }
  return undefined
}
