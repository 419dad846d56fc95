import { MAX_DURATION_MS } from './duration.ts'
import { DEFAULT_ERROR_BUDGET, requireErrorBudget } from './error-budget.ts'
import { requireUsers } from './shape.ts'
import { type KnownKeys, rejectUnknownKeys, requireNumber, requireObject } from './validate.ts'

/** Defaults the seed's config file and the plugin can override. */
export interface LoadDefaults {
  users: number
  durationMs: number
  rampUpMs: number
  timeoutMs: number
  /** The largest failed share (0..1) a run may have, or `false` for no error budget. */
  errorBudget: number | false
}

export const DEFAULTS: LoadDefaults = {
  users: 10,
  durationMs: 10_000,
  rampUpMs: 0,
  timeoutMs: 30_000,
  errorBudget: DEFAULT_ERROR_BUDGET,
}

const DEFAULTS_KEYS = {
  users: true,
  durationMs: true,
  rampUpMs: true,
  timeoutMs: true,
  errorBudget: true,
} as const satisfies KnownKeys<LoadDefaults>

/** Validates run defaults (e.g. a client's or the plugin's) the way the options they stand for are checked. */
export function validateDefaults(
  defaults: Partial<LoadDefaults>,
  option = 'defaults',
): Partial<LoadDefaults> {
  requireObject(option, defaults)
  rejectUnknownKeys(defaults, DEFAULTS_KEYS, `${option}.`)
  const { users, durationMs, rampUpMs, timeoutMs, errorBudget } = defaults
  if (users !== undefined) requireUsers(`${option}.users`, users)
  if (errorBudget !== undefined) requireErrorBudget(`${option}.errorBudget`, errorBudget)
  for (const [key, value, min] of [
    ['durationMs', durationMs, 1],
    ['rampUpMs', rampUpMs, 0],
    ['timeoutMs', timeoutMs, 1],
  ] as const) {
    if (value !== undefined) requireNumber(`${option}.${key}`, value, { min, max: MAX_DURATION_MS })
  }
  return defaults
}
