/**
 * Records keyed by names a user gives (endpoints, scenarios, headers, baseline entries): `__proto__` must be
 * a key like any other. Assigning `record['__proto__']` sets the object's prototype instead (the name
 * vanishes), and reading an absent `record['__proto__']` or `record['constructor']` finds Object.prototype's.
 * The records stay plain objects (JSON and structured clone keep an own `__proto__` key as a key).
 */

/** Sets `record[key]` as an own, enumerable property, whatever the key. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

/** `record[key]` when it is the record's own property; undefined otherwise (never Object.prototype's). */
export function getOwn<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}
