import type { HttpMethod } from '../../foundation/types.ts'

/** What perfspec knows of an endpoint it generated: the step's method and path as written, by step name. */
export type KnownEndpoints = ReadonlyMap<string, { method: HttpMethod; path: string }>
