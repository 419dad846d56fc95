/**
 * The load generators perfspec can drive. The adapter registry (`adapters/index.ts`) is keyed by this list:
 * a name without an adapter, or an adapter without a name, does not compile.
 */
export const TOOL_NAMES = ['native', 'k6', 'ab', 'locust'] as const

/** Names of the load generators perfspec can drive. */
export type ToolName = (typeof TOOL_NAMES)[number]

/** `'auto'` picks k6 when a `script` is given, Locust when a `locustfile` is given, else native. */
export type ToolChoice = 'auto' | ToolName

/**
 * How the native engine speaks HTTP: `'undici'` (each user on an undici `Client`), or `'fast'` (the engine's
 * own HTTP/1.1 connection on a `net.Socket`, ~0.6x undici's CPU per request).
 */
export type NativeTransport = 'undici' | 'fast'

type DurationUnit = 'ms' | 's' | 'm' | 'h'
type DurationPart = `${number}${DurationUnit}`

/**
 * A duration: seconds as a number, or a string such as `'500ms'`, `'30s'`, `'2m'`, `'1m30s'`, `'1h'` (up to
 * three parts, as `'1h2m3s'`). A typo like `'10 seconds'` is a type error; a string only known at run time
 * is checked then (cast it: `value as Duration`).
 */
export type Duration =
  | number
  | `${number}`
  | DurationPart
  | `${DurationPart}${DurationPart}`
  | `${DurationPart}${DurationPart}${DurationPart}`

/** TLS settings of a run's connections (see `LoadTestOptions.tls`). */
export interface TlsOptions {
  /** Certificates (PEM) to trust instead of Node's roots, e.g. a test CA or a self-signed server's own. */
  ca?: string | Buffer | (string | Buffer)[]
  /** A client certificate (PEM), with its `key`. */
  cert?: string | Buffer
  /** The client certificate's private key (PEM). */
  key?: string | Buffer
  /** The passphrase of an encrypted `key`. */
  passphrase?: string
  /** Refuse a server certificate that does not verify. @default true */
  rejectUnauthorized?: boolean
  /** The server name sent (SNI) and verified, when it differs from the URL's host. */
  servername?: string
}

/** HTTP methods the engines send. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** What a `check` sees of a response. `body` is only read when a check is configured. */
export interface CheckResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A limit that can also stop the run as soon as it is breached (k6's `abortOnFail`), watched about once a
 * second; `delayAbortEval` waits that long into the run before the first look.
 */
export interface AbortingLimit {
  limit: number
  abortOnFail?: boolean
  delayAbortEval?: Duration
}

/** The seed's threshold names. Every limit is optional: a number, or `{ limit, abortOnFail }`. */
export interface SeedThresholds {
  /** Fail when the mean response time exceeds this (ms). */
  maxAvgResponseTimeMs?: number | AbortingLimit
  /** Fail when more than this percent of requests failed. */
  maxErrorRatePercent?: number | AbortingLimit
  /** Fail when fewer requests per second than this completed. */
  minThroughputRps?: number | AbortingLimit
  /** Fail when p95 exceeds this (ms). */
  maxP95Ms?: number | AbortingLimit
  /** Fail when p99 exceeds this (ms). */
  maxP99Ms?: number | AbortingLimit
}

/** One k6 threshold: `'p(95)<200'`, or k6's object form that can stop the run when breached. */
export type K6Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration }

/**
 * k6's threshold language: `{ http_req_duration: ['p(95)<200', 'avg<100'], http_req_failed: ['rate<0.01'],
 * http_reqs: ['rate>100'] }`.
 */
export interface K6Thresholds {
  http_req_duration?: K6Threshold[]
  http_req_failed?: K6Threshold[]
  http_reqs?: K6Threshold[]
  checks?: K6Threshold[]
  /**
   * One endpoint or scenario of a journey: `'http_req_duration{name:order}'`, `'http_reqs{scenario:buy}'`;
   * one group of a code iteration: `'group_duration{group:::checkout}'`. A code iteration's custom metric is
   * a key of its own name (`cart_size`), which this type does not know: cast the object (`as Thresholds`).
   */
  [
    tagged: `${'http_req_duration' | 'http_req_failed' | 'http_reqs' | 'checks' | 'group_duration'}{${string}}`
  ]: K6Threshold[] | undefined
}

/** Either spelling, or both at once. */
export type Thresholds = SeedThresholds & K6Thresholds

/** Options shared by every load run; journeys (`steps`, `scenarios`, …) come from `JourneyOptions`. */
export interface LoadTestOptions extends JourneyOptions {
  /** Target URL (http or https). */
  url: string
  /** A label for reports. @default the URL's path */
  name?: string
  /** Which load generator to use. @default 'auto' */
  tool?: ToolChoice
  /** Concurrent virtual users (closed model). @default 10 */
  users?: number
  /** How long to run: seconds or `'30s'`. @default 10 (when `requests` is not given) */
  duration?: Duration
  /**
   * Stop after this many requests in total (whichever of duration/requests comes first). Open model:
   * arrivals, sent or dropped.
   */
  requests?: number
  /** Users start spread linearly over this time (open model: the `rate` ramps up from 0). @default 0 */
  rampUp?: Duration
  /**
   * Native engine: load sent before `duration` and not measured (like autocannon's `-W`): connections open,
   * the JIT and the server's caches warm up. Shown in the timeline as `phase: 'warmup'`. The ramp-up starts
   * with the warm-up. Not with `requests` or `stages`. @default 0
   */
  warmup?: Duration
  /**
   * Count the ramp-up's seconds in `metrics` (and so in thresholds, matchers and baselines). By default they
   * show in the timeline only (`phase: 'rampUp'`): the verdict is about the steady state. @default false
   */
  measureRampUp?: boolean
  /** @default 'GET' */
  method?: HttpMethod
  headers?: Record<string, string>
  /** A string or Buffer is sent as is; any other value is sent as JSON (with `content-type: application/json`). */
  body?: string | Uint8Array | Record<string, unknown> | unknown[]
  /** Per-request timeout (a number is seconds, as every duration here; or a string such as `'500ms'`). @default '30s' */
  timeout?: Duration
  /** Status codes that count as success. @default every 2xx and 3xx */
  expectStatus?: number | number[]
  /**
   * A synchronous response check; returning false counts the request as `check_failed`. Reads the body. An
   * async function is refused (its Promise would be neither true nor false).
   */
  check?: (response: CheckResponse) => boolean
  /** Limits that decide `success`. */
  thresholds?: Thresholds
  /**
   * The largest share of requests (0..1) that may fail before the run fails, whatever its thresholds; a run
   * in which no request succeeded fails too. `expectStatus` and `check` decide what fails. `false` turns the
   * budget off. Without it, a run whose own thresholds limit the error rate (`http_req_failed`,
   * `maxErrorRatePercent`) keeps only the no-success rule. Stress test steps have none (`breakOn` decides).
   * @default 0.01 (from perf({ defaults: { errorBudget } }) or config/qa.yaml `error_budget` when set)
   */
  errorBudget?: number | false
  /** Stops the run early; the result keeps what was measured and is marked `aborted`. */
  signal?: AbortSignal
  /** Open model: constant arrival rate in requests per second (native, k6). */
  rate?: number
  /** Open model: ramping arrival rate stages, from 0 req/s (native, k6). */
  stages?: RateStage[]
  /** Open model: concurrency cap. @default users */
  maxUsers?: number
  /** k6: a user script to run instead of a generated one. */
  script?: string
  /** Locust: a user locustfile to run instead of a generated one. */
  locustfile?: string
  /**
   * Locust: distributed mode with this many worker processes. Native engine: this many worker threads, each
   * running a share of the users (and of `requests` / `rate`); results merge exactly. No `check` with more
   * than one. Native: `0` runs the generator in the calling thread. @default 1 (native: one worker thread;
   * the calling thread when `check` is a function, which cannot cross threads — `result.generator.thread`
   * says which, and a warning says why)
   */
  workers?: number
  /**
   * Native engine, closed model: requests each user keeps in flight on its connection (HTTP/1.1 pipelining).
   * Raises the load a connection can carry; the server must answer in order. @default 1
   */
  pipelining?: number
  /**
   * Native engine: the HTTP transport of its virtual users. `'fast'` (the default) is the engine's own
   * HTTP/1.1 connection on a `net.Socket` (a small incremental parser, the request prebuilt once), which
   * needs about half of undici's CPU per request; `'undici'` runs each user on an undici `Client`
   * (`pipelining` → its `pipelining`). Both pass the same conformance suite and count, time and classify
   * requests the same way. @default 'fast'
   */
  transport?: NativeTransport
  /**
   * Native engine: the largest response head (status line and headers) accepted, in bytes; a larger one is
   * an `invalid_response` naming this option. @default 16384
   */
  maxHeaderSize?: number
  /**
   * HTTPS: trust (`ca`), a client certificate (`cert`, `key`, `passphrase`), whether to verify the server's
   * certificate (`rejectUnauthorized`) and the name to verify it against (`servername`). A handshake or
   * certificate failure is counted as the `tls` error type. @default verify against Node's root certificates
   */
  tls?: TlsOptions
  /**
   * Speak HTTP/2: over TLS negotiated with ALPN (`https:`), or h2c with prior knowledge (`http:`). Native
   * engine on the undici transport (chosen when `transport` is not given); `pipelining` is then the streams
   * each user keeps open on its connection. k6 negotiates HTTP/2 over TLS itself; ab and Locust cannot.
   * @default false
   */
  http2?: boolean
  /** Path of the external tool's binary. */
  binary?: string
  /** Locust distributed mode: where the master listens. */
  masterBindHost?: string
  masterPort?: number
  /** Sample a local process's CPU and memory into the timeline (native engine, Linux /proc). */
  monitor?: { pid: number }
  /** Called about once a second while the run goes on (native engine), never per request. */
  onProgress?: (progress: LoadProgress) => void
}

/** A snapshot of a run in progress. */
export interface LoadProgress {
  name: string
  elapsedMs: number
  /** The planned duration; undefined when the run is bounded by `requests` alone. */
  durationMs: number | undefined
  requests: number
  rps: number
  p95: number
  errorRatePercent: number
}

/** One stage of a ramping arrival rate. */
export interface RateStage {
  /** Stage length. */
  duration: Duration
  /** Target rate (req/s) reached at the end of the stage. */
  target: number
}

/** What a step's functions and `{{var}}` templates see. */
export interface JourneyContext<Setup = unknown> {
  /** The virtual user's 0-based index (across worker threads too). */
  user: number
  /** This user's 0-based iteration of the journey (`onStart` steps run before iteration 0). */
  iteration: number
  /** Captures, then the current `data` row's fields (a row's field replaces a capture of the same name). */
  vars: Record<string, unknown>
  /** What `setup` returned (undefined without `setup`). */
  setup: Setup
}

/** A pause: ms as a number, a duration string, or a `[min, max]` range drawn uniformly. */
export type ThinkTime = Duration | readonly [Duration, Duration]

/**
 * Declarative captures: var name → `'json:path.to[0].field'` (the decoded JSON body) or `'header:name'`; or a
 * synchronous function that reads the response and writes `ctx.vars`. A capture that finds nothing fails the
 * step (`capture_failed`).
 */
export type StepCapture = Record<string, string> | ((response: CheckResponse, ctx: JourneyContext) => void)

/** A request body: a string or bytes as is, anything else as JSON. */
export type StepBody = string | Uint8Array | Record<string, unknown> | unknown[]

/**
 * A declarative check of a step's response, with one subject. It records a pass or a fail under its name
 * (`result.metrics.checks`) and never fails the request or ends the iteration (k6's `check`); the `checks`
 * threshold judges them. The native engine, the k6 script and the locustfile run them alike.
 * - `status`: the status is this one, or one of these;
 * - `json`: a path into the decoded JSON body, as a `json:` capture reads it (`'$.id'`, `'items[0].name'`),
 *   finds a value (not `null`); with `equals`, exactly this value; with `exists: false`, finds none;
 * - `header`: the response has this header (any case); with `equals`, exactly this value (several values
 *   joined by `, `); with `exists: false`, has none;
 * - `bodyIncludes`: the body text contains this text.
 */
export type StepCheck =
  | { status: number | readonly number[] }
  | { json: string; equals?: string | number | boolean; exists?: boolean }
  | { header: string; equals?: string; exists?: boolean }
  | { bodyIncludes: string }

/**
 * One request of a journey. The run's own options are the defaults of every step. Its functions (`path`,
 * `body`, `check`, `capture`) are called for every request and must be synchronous: an async one is refused
 * (do async work in `setup`).
 */
export interface JourneyStep {
  /** Endpoint name in results and thresholds (`{name:login}`). @default `${method} ${path template}` */
  name?: string
  /** @default the run's `method` */
  method?: HttpMethod
  /** Resolved against the run's `url`; a string may hold `{{var}}` templates. @default '' (the url itself) */
  path?: string | ((ctx: JourneyContext) => string)
  /** Merged over the run's headers; values may hold `{{var}}` templates. */
  headers?: Record<string, string>
  /** String fields (and a string body) may hold `{{var}}` templates. */
  body?: StepBody | ((ctx: JourneyContext) => StepBody)
  expectStatus?: number | number[]
  check?: (response: CheckResponse) => boolean
  /**
   * Named checks that record and go on: `{ 'status 200': { status: 200 }, 'has id': { json: '$.id' } }`. They
   * run on every response (and on a failed request, as status 0), on every engine.
   */
  checks?: Record<string, StepCheck>
  timeout?: Duration
  capture?: StepCapture
}

/** One weighted journey of a mix. */
export interface JourneyScenario {
  name: string
  /**
   * Relative share (an integer ≥ 1): of the iterations (`mix: 'per-iteration'`, the default), or of the
   * users (`mix: 'per-user'`). @default 1
   */
  weight?: number
  /** Steps each of this scenario's users runs once before its first iteration. */
  onStart?: JourneyStep[]
  steps: JourneyStep[]
  /** Overrides the run's `think`. */
  think?: ThinkTime
}

/** The options of one request of a code iteration (`vu.get(path, options)`). */
export interface VuRequestOptions {
  /** Merged over the run's headers. */
  headers?: Record<string, string>
  /** Sent as JSON, with `content-type: application/json`. */
  json?: unknown
  /** Sent as it is. */
  body?: string | Uint8Array
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string | number | boolean>
  /** The endpoint this request is recorded on. @default `${METHOD} ${path}` */
  name?: string
  /** k6-style tags; on the native engine, `tags.name` names the endpoint as `name` does. */
  tags?: Record<string, string>
  /** Status codes that count as success. @default the run's `expectStatus` (every 2xx and 3xx) */
  expectStatus?: number | number[]
}

/** A response as a code iteration sees it. A request never throws: a failed one has `status` 0 and `error`. */
export interface VuResponse {
  status: number
  /** Lower-case names; several values of one header as an array. */
  headers: Record<string, string | string[] | undefined>
  /** Why the request failed without a response (a timeout, a refused connection …). */
  error: string | undefined
  timings: {
    /** The request's latency in ms, as recorded (from its due time in the open model). */
    duration: number
  }
  /** The body as text (decoded when compressed). */
  text(): string
  /** The body parsed as JSON; throws when it is not JSON (the iteration then fails, with the message). */
  json(): unknown
}

/** A check of a code iteration: a synchronous predicate of the response. */
export type VuCheck<Value> = (value: Value) => boolean

/**
 * What a code iteration is given: one per iteration of one virtual user, on the user's keep-alive
 * connection. Requests go out one at a time (several started at once are sent in turn).
 */
export interface VirtualUser<Setup = unknown> {
  /** The virtual user's 0-based index. */
  readonly id: number
  /** This user's 0-based iteration (`onStart` runs before iteration 0). */
  readonly iteration: number
  /** The user's own object: kept across its iterations; each iteration's `data` row is written into it. */
  readonly vars: Record<string, unknown>
  /** What `setup` returned (undefined without `setup`). */
  readonly setup: Setup
  request(method: HttpMethod, path: string, options?: VuRequestOptions): Promise<VuResponse>
  get(path: string, options?: VuRequestOptions): Promise<VuResponse>
  post(path: string, options?: VuRequestOptions): Promise<VuResponse>
  put(path: string, options?: VuRequestOptions): Promise<VuResponse>
  patch(path: string, options?: VuRequestOptions): Promise<VuResponse>
  del(path: string, options?: VuRequestOptions): Promise<VuResponse>
  /**
   * Runs each named check on `value` and records a pass or a fail under its name (`result.metrics.checks`,
   * and the response's endpoint). Never throws (a check that throws fails); true when all passed.
   */
  check<Value>(value: Value, checks: Record<string, VuCheck<Value>>): boolean
  /** Pauses this user; cut short when the run ends. */
  sleep(seconds: number): Promise<void>
  /**
   * Runs `fn` as the group `name` (nested in the group it runs in: `'checkout::pay'`): its requests count in
   * `result.groups[path].metrics`, its duration in `result.groups[path].duration` (k6's `group_duration`,
   * thresholds `group_duration{group:::checkout}`). Resolves to what `fn` returns; rethrows what it throws.
   */
  group<T>(name: string, fn: () => T | Promise<T>): Promise<T>
  /**
   * A custom metric of the run (k6's Trend, Counter, Rate, Gauge), made when first named: its values land in
   * `result.metrics.custom[name]`, and thresholds judge it (`cart_size: ['p(95)<10']`).
   */
  metric(name: string, type: CustomMetricType): CustomMetricRecorder
}

/** The types of a custom metric: k6's Trend, Counter, Rate and Gauge. */
export type CustomMetricType = 'trend' | 'counter' | 'rate' | 'gauge'

/** What `vu.metric` returns. */
export interface CustomMetricRecorder {
  /**
   * Records a value: a trend's sample, a counter's increment, a gauge's new value (finite numbers); a rate's
   * true or false (a number: non-zero is true).
   */
  add(value: number | boolean): void
}

/** An iteration written as code: it may loop, branch, pick at random and sleep. */
export type IterationFunction<Setup = unknown> = (vu: VirtualUser<Setup>) => void | Promise<void>

/** How a mix of `scenarios` is split: per iteration (the default) or per user. */
export type ScenarioMix = 'per-iteration' | 'per-user'

/** What `setup` and `teardown` are given. */
export interface JourneyHookContext {
  /**
   * Aborted when perfspec stops waiting for the function: the run was aborted, or its time limit
   * (`setupTimeout`, `teardownTimeout`) passed. Hand it on (`fetch(url, { signal })`) to stop its work too.
   */
  signal: AbortSignal
}

/** The journey part of `LoadTestOptions`. */
export interface JourneyOptions {
  /**
   * Runs once before any load (it may be async); its value is `ctx.setup`. When the run is aborted while it
   * runs, no load is sent and the result is `aborted`; past `setupTimeout` the run throws SetupTimeoutError.
   */
  setup?: (context: JourneyHookContext) => unknown
  /**
   * Runs once after the load (also after an abort), with setup's value. If it throws, or outlasts
   * `teardownTimeout`, the result is still returned, failed (`success: false`), with a warning.
   */
  teardown?: (setup: unknown, context: JourneyHookContext) => unknown
  /** The longest `setup` may take. @default '60s' */
  setupTimeout?: Duration
  /** The longest `teardown` may take. @default '60s' */
  teardownTimeout?: Duration
  /** Rows; each iteration takes the next row (round robin across all users); its fields become vars. */
  data?: readonly Record<string, unknown>[]
  /** One journey every user runs in order, again and again. Exclusive with `scenarios` and `iteration`. */
  steps?: JourneyStep[]
  /**
   * Each iteration as code (native engine), exclusive with `steps` and `scenarios`: a function,
   * `async (vu) => { … }`, runs in the calling thread; a module, `new URL('./shopper.js', import.meta.url)`
   * (a `file:` URL whose default export is the iteration, and whose named export `onStart`, if any, is the
   * onStart), runs in the generator's worker threads (`workers`), and on k6 through a generated shim.
   */
  iteration?: IterationFunction | URL | string
  /**
   * Steps run once per user before its first iteration; their captures stay in the user's vars. With
   * `iteration`, a function of `vu` instead.
   */
  onStart?: JourneyStep[] | IterationFunction
  /** A weighted mix of journeys; iterations (or users, see `mix`) are split by weight. Exclusive with `steps`. */
  scenarios?: JourneyScenario[]
  /**
   * How `scenarios` share the load by weight. `'per-iteration'`: every iteration of every user picks its
   * scenario by a smooth weighted round robin, so a 9:1 mix is 9:1 with any number of users (Locust's task
   * weights). `'per-user'`: each user keeps one scenario, users split by weight (Locust's user classes).
   * @default 'per-iteration'
   */
  mix?: ScenarioMix
  /** Pause after each step. @default 0 */
  think?: ThinkTime
}
