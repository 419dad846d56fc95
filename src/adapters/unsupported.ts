import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'
import { DEFAULT_MAX_HEADER_SIZE } from '../options/transport-options.ts'

const IS_SET = {
  rampUp: (options) => options.rampUpMs > 0,
  warmup: (options) => options.warmupMs > 0,
  rate: (options) => options.rate !== undefined,
  stages: (options) => options.stages !== undefined,
  requests: (options) => options.requests !== undefined,
  maxUsers: (options) => options.maxUsers !== options.users,
  workers: (options) => options.workers !== undefined,
  masterBindHost: (options) => options.masterBindHost !== undefined,
  masterPort: (options) => options.masterPort !== undefined,
  script: (options) => options.script !== undefined,
  locustfile: (options) => options.locustfile !== undefined,
  check: (options) => options.check !== undefined,
  expectStatus: (options) => options.expectStatus !== null,
  method: (options) => options.method !== 'GET',
  headers: (options) => Object.keys(options.headers).length > 0,
  body: (options) => options.body !== undefined,
  tls: (options) => options.tls !== undefined,
  http2: (options) => options.http2,
  maxHeaderSize: (options) => options.maxHeaderSize !== DEFAULT_MAX_HEADER_SIZE,
} satisfies Record<string, (options: ResolvedLoadOptions) => boolean>

/** An option an adapter may be unable to honour. */
export type CheckedOption = keyof typeof IS_SET

/** Throws UnsupportedOptionError for the first option that is set but listed as unsupported (name → why). */
export function rejectUnsupported(
  tool: string,
  options: ResolvedLoadOptions,
  unsupported: Partial<Record<CheckedOption, string>>,
): void {
  for (const [option, why] of Object.entries(unsupported) as [CheckedOption, string][]) {
    if (IS_SET[option](options)) throw new UnsupportedOptionError(tool, option, why)
  }
}

/** Reasons shared by the external tools. */
export const WHY = {
  script: 'a k6 `script` needs `tool: "k6"`',
  locustfile: 'a `locustfile` needs `tool: "locust"`',
  check: 'a `check` function runs only in the native engine; check responses in your script instead',
  distributed: 'only Locust runs distributed (`workers`, `masterBindHost`, `masterPort`)',
  warmup:
    "a warm-up (load sent, not measured) needs the native engine: the tool's summary covers the whole run",
  maxHeaderSize: 'only the native engine has a response head limit (`maxHeaderSize`)',
} as const
