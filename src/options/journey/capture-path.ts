/** One step into a decoded JSON value: a property name or an array index. */
export type PathSegment = string | number

/** A declarative capture: `'json:a.b[0].c'` (the decoded JSON body) or `'header:name'`. */
export type CaptureSource =
  | { from: 'json'; path: PathSegment[]; expression: string }
  | { from: 'header'; name: string; expression: string }

// Conformance: test/fixtures/capture-paths.json is one table of captures that this code (with
// parseJsonBody, readPath and template.ts's lookupVar), the k6 script's (K6_CAPTURE_CODE in
// src/adapters/scripts/k6-journey-code.ts) and the locustfile's (LOCUST_CAPTURE_CODE) all answer alike.

const SEGMENT = /^(?:\.?([\p{L}_$][\p{L}\p{M}\p{N}_$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/u

/** A path's leading `$` (the root, as in JSONPath): `$`, `$.name`, `$[0]`. A key named `$` is `["$"]`. */
function withoutRoot(text: string): string | undefined {
  if (text === '$' || text.startsWith('$[')) return text.slice(1)
  if (!text.startsWith('$.')) return text
  const rest = text.slice(2)
  return /^[\p{L}_$]/u.test(rest) ? rest : undefined
}

/** The key of a `["…"]` segment (JSON string escapes), or undefined when it is not a JSON string. */
function quotedKey(inner: string): string | undefined {
  try {
    return JSON.parse(`"${inner}"`) as string
  } catch {
    return undefined
  }
}

/**
 * Parses `a.b[0].c` (also `$.a`, `[0]` first, `["odd key"]`) into segments; undefined when it is not such a
 * path. The empty path (and `$`) is the whole body.
 */
export function parseJsonPath(text: string): PathSegment[] | undefined {
  const segments: PathSegment[] = []
  let rest = withoutRoot(text)
  if (rest === undefined) return undefined
  let first = true
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest)
    if (match === null || (!first && match[1] !== undefined && !match[0].startsWith('.'))) return undefined
    if (first && match[0].startsWith('.')) return undefined
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) {
      const index = Number(match[2])
      // Larger indexes would not travel exactly to the k6 and Locust scripts (JSON numbers are doubles).
      if (!Number.isSafeInteger(index)) return undefined
      segments.push(index)
    } else {
      const key = quotedKey(match[3]!)
      if (key === undefined) return undefined
      segments.push(key)
    }
    rest = rest.slice(match[0].length)
    first = false
  }
  return segments
}

/** Parses a capture expression; undefined when it is neither `json:<path>` nor `header:<name>`. */
export function parseCaptureSource(expression: string): CaptureSource | undefined {
  if (expression.startsWith('json:')) {
    const path = parseJsonPath(expression.slice(5).trim())
    return path === undefined ? undefined : { from: 'json', path, expression }
  }
  if (expression.startsWith('header:')) {
    const name = expression.slice(7).trim().toLowerCase()
    return /^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name) ? { from: 'header', name, expression } : undefined
  }
  return undefined
}

// Only a body holding a number of 3 exponent digits or 210 integer digits can be past the double range.
const MAYBE_PAST_DOUBLES = /\d{210}|[eE]\+?\d{3}/

function finiteNumber(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new SyntaxError('a number past the double range')
  }
  return value
}

/**
 * Decodes a body for a capture; throws SyntaxError when it is not JSON. A number past the double range
 * (`1e400`) makes the body not JSON, as k6's parser reads it (JSON.parse alone would make it Infinity).
 */
export function parseJsonBody(text: string): unknown {
  return MAYBE_PAST_DOUBLES.test(text) ? JSON.parse(text, finiteNumber) : JSON.parse(text)
}

/** Follows a path into a decoded JSON value; undefined when any segment is missing. */
export function readPath(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined
      current = current[segment]
    } else {
      // A JSON array has no named fields (`length` is not data).
      if (Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined
      current = (current as Record<string, unknown>)[segment]
    }
  }
  return current
}
