/** One step into a decoded JSON value: a property name or an array index. */
export type PathSegment = string | number

/** A declarative capture: `'json:a.b[0].c'` (the decoded JSON body) or `'header:name'`. */
export type CaptureSource =
  | { from: 'json'; path: PathSegment[]; expression: string }
  | { from: 'header'; name: string; expression: string }

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/

/**
 * Parses `a.b[0].c` (also `[0]` first, `["odd key"]`) into segments; undefined when it is not such a path.
 * The empty path is the whole body.
 */
export function parseJsonPath(text: string): PathSegment[] | undefined {
  const segments: PathSegment[] = []
  let rest = text
  let first = true
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest)
    if (match === null || (!first && match[1] !== undefined && !match[0].startsWith('.'))) return undefined
    if (first && match[0].startsWith('.')) return undefined
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else segments.push(JSON.parse(`"${match[3]}"`) as string)
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
