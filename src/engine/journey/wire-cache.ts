/** How many built requests a run's code keeps: paths that vary (`/items/${id}`) must not grow it without end. */
export const WIRE_CACHE_LIMIT = 1000

/** A request built for its transport, and the endpoint it is recorded on when it names none. */
export interface BuiltRequest {
  readonly wire: unknown
  /** `METHOD path`, made once: the endpoint's map hashes the same string each time. */
  readonly unnamed: string
}

/**
 * The built requests of a code iteration's requests without a body, by what they are made of: the method,
 * the path and the headers given, names and values. A request refused is never kept, so a key found was
 * checked already; it is unambiguous (each header's name and value are written after their length). Kept by
 * path first: a path the code writes as a literal is hashed once, not once per request. When full, it starts
 * over.
 */
export class WireCache {
  private readonly byPath = new Map<string, Map<string, BuiltRequest>>()
  private readonly limit: number
  private count = 0

  constructor(limit = WIRE_CACHE_LIMIT) {
    this.limit = limit
  }

  /**
   * What keeps a request apart from others of its path: its method and headers. Undefined when `headers` is
   * not a plain object of string values (not kept).
   */
  keyOf(method: string, headers: unknown): string | undefined {
    if (headers === undefined) return method
    if (
      typeof headers !== 'object' ||
      headers === null ||
      Object.getPrototypeOf(headers) !== Object.prototype
    )
      return undefined
    let rest = method
    for (const name of Object.keys(headers)) {
      const value: unknown = (headers as Record<string, unknown>)[name]
      if (typeof value !== 'string') return undefined
      rest += `\n${name.length} ${name}${value.length} ${value}`
    }
    return rest
  }

  get(path: string, key: string): BuiltRequest | undefined {
    return this.byPath.get(path)?.get(key)
  }

  set(path: string, key: string, built: BuiltRequest): void {
    if (this.count >= this.limit) {
      this.byPath.clear()
      this.count = 0
    }
    let wires = this.byPath.get(path)
    if (wires === undefined) {
      wires = new Map()
      this.byPath.set(path, wires)
    }
    if (!wires.has(key)) this.count++
    wires.set(key, built)
  }

  get size(): number {
    return this.count
  }
}
