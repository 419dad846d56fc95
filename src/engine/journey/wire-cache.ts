/** How many built requests a run's code keeps: paths that vary (`/items/${id}`) must not grow it without end. */
export const WIRE_CACHE_LIMIT = 1000

/**
 * The built requests of a code iteration's requests without a body, by what they are made of: the method,
 * the path and the headers given, names and values. A key is made only of what was checked once already (a
 * request refused is never cached), and it is unambiguous: each part is written after its length. When full,
 * the cache starts over.
 */
export class WireCache {
  private readonly wires = new Map<string, unknown>()
  private readonly limit: number

  constructor(limit = WIRE_CACHE_LIMIT) {
    this.limit = limit
  }

  /** The key of a request: undefined when `headers` is not a plain object of string values (not cached). */
  keyOf(method: string, path: string, headers: unknown): string | undefined {
    let key = `${method} ${path.length} ${path}`
    if (headers === undefined) return key
    if (
      typeof headers !== 'object' ||
      headers === null ||
      Object.getPrototypeOf(headers) !== Object.prototype
    )
      return undefined
    for (const name of Object.keys(headers)) {
      const value: unknown = (headers as Record<string, unknown>)[name]
      if (typeof value !== 'string') return undefined
      key += `\n${name.length} ${name}${value.length} ${value}`
    }
    return key
  }

  get(key: string): unknown {
    return this.wires.get(key)
  }

  set(key: string, wire: unknown): void {
    if (this.wires.size >= this.limit) this.wires.clear()
    this.wires.set(key, wire)
  }

  get size(): number {
    return this.wires.size
  }
}
