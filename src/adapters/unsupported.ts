import { UnsupportedOptionError } from '../foundation/errors.ts'
import { DEFAULT_MAX_HEADER_SIZE } from '../options/native.ts'
import type { ResolvedRequest } from '../options/request.ts'
import type { ResolvedLoadOptions } from '../options/resolve.ts'

// When a request option is set (read on the request after the request rules).
const REQUEST_IS_SET = {
  check: (request) => request.check !== undefined,
  expectStatus: (request) => request.expectStatus !== null,
  method: (request) => request.method !== 'GET',
  headers: (request) => Object.keys(request.headers).length > 0,
  body: (request) => request.body !== undefined,
  tls: (request) => request.tls !== undefined,
  http2: (request) => request.http2,
} satisfies Record<string, (request: ResolvedRequest) => boolean>

type RequestOption = keyof typeof REQUEST_IS_SET

const IS_SET = {
  iteration: (options) => options.journey?.iteration !== undefined,
  check: (options) => REQUEST_IS_SET.check(options.request),
  expectStatus: (options) => REQUEST_IS_SET.expectStatus(options.request),
  method: (options) => REQUEST_IS_SET.method(options.request),
  headers: (options) => REQUEST_IS_SET.headers(options.request),
  body: (options) => REQUEST_IS_SET.body(options.request),
  tls: (options) => REQUEST_IS_SET.tls(options.request),
  http2: (options) => REQUEST_IS_SET.http2(options.request),
  rampUp: (options) => options.shape.rampUpMs > 0,
  warmup: (options) => options.shape.warmupMs > 0,
  rate: (options) => options.shape.model === 'open' && options.shape.arrival.kind === 'rate',
  stages: (options) => options.shape.model === 'open' && options.shape.arrival.kind === 'stages',
  requests: (options) => options.shape.requests !== undefined,
  maxUsers: (options) => options.shape.maxUsers !== options.shape.users,
  workers: (options) => options.tool.workers !== undefined,
  masterBindHost: (options) => options.tool.masterBindHost !== undefined,
  masterPort: (options) => options.tool.masterPort !== undefined,
  script: (options) => options.tool.script !== undefined,
  locustfile: (options) => options.tool.locustfile !== undefined,
  maxHeaderSize: (options) => options.native.maxHeaderSize !== DEFAULT_MAX_HEADER_SIZE,
} satisfies Record<string, (options: ResolvedLoadOptions) => boolean>

/** An option an adapter may be unable to honour. */
export type CheckedOption = keyof typeof IS_SET

/** Options a tool cannot honour, each with the reason its refusal gives. */
export type UnsupportedOptions = Partial<Record<CheckedOption, string>>

/** Throws UnsupportedOptionError for the first option that is set but listed as unsupported (name → why). */
export function rejectUnsupported(
  tool: string,
  options: ResolvedLoadOptions,
  unsupported: UnsupportedOptions,
): void {
  for (const [option, why] of Object.entries(unsupported) as [CheckedOption, string][]) {
    if (IS_SET[option](options)) throw new UnsupportedOptionError(tool, option, why)
  }
}

/** rejectUnsupported for the request options alone, on a request the tool sends instead (ab: a journey's step). */
export function rejectUnsupportedRequest(
  tool: string,
  request: ResolvedRequest,
  unsupported: UnsupportedOptions,
): void {
  for (const [option, why] of Object.entries(unsupported) as [CheckedOption, string][]) {
    if (Object.hasOwn(REQUEST_IS_SET, option) && REQUEST_IS_SET[option as RequestOption](request)) {
      throw new UnsupportedOptionError(tool, option, why)
    }
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
