import type { BaselineEntry } from '../../foundation/model/index.ts'

/** The baseline file version perfspec writes. */
export const BASELINE_VERSION = 2

/** Version 1's names → version 2's, of an entry and of each of its endpoints. */
const V1_ENTRY_NAMES: Record<string, string> = { avg: 'mean', throughput: 'rps' }
const V1_ENDPOINT_NAMES: Record<string, string> = { throughput: 'rps' }

/** What an entry's numbers are called in each version: the comparison reads these, so they must be there. */
export const COMPARED_NAMES = {
  1: { entry: ['p95', 'throughput'], endpoint: ['p95', 'throughput'] },
  2: { entry: ['p95', 'rps'], endpoint: ['p95', 'rps'] },
} as const

// Renames keys in place of the old ones, so a migrated file's entries keep the order they were written in.
function rename(record: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [names[key] ?? key, value]))
}

/**
 * A version-1 entry (checked to hold numeric `p95` and `throughput`) under version 2's names: `avg` → `mean`,
 * `throughput` → `rps`, and each endpoint's `throughput` → `rps`.
 */
export function migrateV1Entry(entry: Record<string, unknown>): BaselineEntry {
  const migrated = rename(entry, V1_ENTRY_NAMES)
  const endpoints = entry['endpoints'] as Record<string, Record<string, unknown>> | undefined
  if (endpoints !== undefined) {
    migrated['endpoints'] = Object.fromEntries(
      Object.entries(endpoints).map(([name, endpoint]) => [name, rename(endpoint, V1_ENDPOINT_NAMES)]),
    )
  }
  return migrated as unknown as BaselineEntry
}
