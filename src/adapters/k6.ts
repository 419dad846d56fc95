import { createReadStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { ParseError, UnsupportedOptionError } from '../foundation/errors.ts'
import type { ThresholdResult } from '../foundation/model/index.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { withEndpointCounts } from '../metrics/check-counts.ts'
import { k6Endpoints, k6Scenarios, runStepErrors, withStepErrors } from '../metrics/parsers/k6-endpoints.ts'
import { K6_SAMPLE_SYSTEM_TAGS, K6SampleReader } from '../metrics/parsers/k6-samples.ts'
import { type K6Summary, k6ToMetrics, parseK6Summary } from '../metrics/parsers/k6-summary.ts'
import { formatDurationForTool } from '../options/duration.ts'
import { utf8HeaderProblem } from '../options/http-fields.ts'
import { type CodeIteration, DEFAULT_SCENARIO, type ResolvedJourney } from '../options/journey/resolve.ts'
import type { ResolvedRequest } from '../options/request.ts'
import type { LoadShape } from '../options/shape.ts'
import type { ToolRunOptions } from './adapter.ts'
import { ExternalToolAdapter } from './external.ts'
import type { FdNeeds } from './fd-limit.ts'
import { withJourneySetup } from './journey-setup.ts'
import {
  deadlineFor,
  emptyAbortedRun,
  requireSomeRequests,
  resolveUserFile,
  withRunDir,
  writeGeneratedScript,
} from './run-files.ts'
import { knownChecks, knownEndpoints } from './scripts/journey-spec.ts'
import {
  assertK6IterationModule,
  K6_ITERATION_FILES,
  k6IterationSpec,
  renderK6IterationFiles,
} from './scripts/k6-iteration-script.ts'
import {
  assertK6Journey,
  isCarrierThreshold,
  K6_JOURNEY_FILES,
  k6Journey,
  renderK6JourneyFiles,
} from './scripts/k6-journey-script.ts'
import { GENERATED_K6_SCRIPT, K6_SPEC_ENV, K6_TREND_STATS, k6Spec } from './scripts/k6-script.ts'
import { runTool, type ToolSpec } from './spawn.ts'
import { type UnsupportedOptions, WHY } from './unsupported.ts'

export const K6: ToolSpec = {
  tool: 'k6',
  command: 'k6',
  envVar: 'PERFSPEC_K6',
  installHint: 'see https://grafana.com/docs/k6/latest/set-up/install-k6/',
}

/** k6's exit code when its own thresholds failed: the run itself completed. */
export const K6_THRESHOLDS_FAILED = 99
/** k6 lets iterations in flight at the end of a run finish for up to `gracefulStop`, 30 s by default. */
const K6_GRACEFUL_STOP_MS = 30_000
/** Keeps k6 ≥ 1.5 writing the legacy summary perfspec parses (older versions ignore the variable). */
const K6_ENV = { K6_NEW_MACHINE_READABLE_SUMMARY: 'false' }
const USER_SCRIPT_DEFINES = 'a user `script` defines its own requests'

/** What k6 cannot do (runAdapter refuses it before the run). */
export const K6_UNSUPPORTED: UnsupportedOptions = {
  locustfile: WHY.locustfile,
  check: WHY.check,
  warmup: WHY.warmup,
  workers: WHY.distributed,
  masterBindHost: WHY.distributed,
  masterPort: WHY.distributed,
  maxHeaderSize: WHY.maxHeaderSize,
}

/** What a user's own `script` declares itself. */
export const K6_UNSUPPORTED_WITH_SCRIPT: UnsupportedOptions = {
  method: USER_SCRIPT_DEFINES,
  headers: USER_SCRIPT_DEFINES,
  body: USER_SCRIPT_DEFINES,
  expectStatus: USER_SCRIPT_DEFINES,
  rate: 'declare an arrival-rate scenario in your script',
  stages: 'declare an arrival-rate scenario in your script',
}

/**
 * Throws for what perfspec cannot ask of k6 beyond the options it declares unsupported: combinations, a
 * journey it cannot run, what its formats cannot carry. Runs before anything is spawned.
 */
export function assertK6Supports(options: ToolRunOptions): void {
  const { request, shape, tool, journey } = options
  if (journey !== undefined) {
    if (tool.script !== undefined)
      throw new UnsupportedOptionError(
        'k6',
        'script',
        'a journey generates its own script: give one or the other',
      )
    if (journey.iteration === undefined) assertK6Journey(shape, journey)
    else assertK6CodeIteration(shape, journey.iteration)
  }
  const utf8Problem = utf8HeaderProblem(request.headers)
  if (utf8Problem !== undefined) throw new UnsupportedOptionError('k6', utf8Problem.option, utf8Problem.why)
  assertK6TlsSupported(request, tool.script)
  // k6 offers HTTP/2 over TLS (ALPN) on every https request; it has no h2c.
  if (request.http2 && request.url.protocol !== 'https:') {
    throw new UnsupportedOptionError(
      'k6',
      'http2',
      'k6 speaks HTTP/2 over TLS only (no h2c): use an https URL',
    )
  }
  const open = shape.model === 'open'
  if (open && shape.rampUpMs > 0) {
    throw new UnsupportedOptionError('k6', 'rampUp', 'an arrival rate has no ramp-up; use `stages`')
  }
  if (open && shape.requests !== undefined) {
    throw new UnsupportedOptionError('k6', 'requests', 'an arrival-rate scenario runs for a duration')
  }
  if (shape.requests !== undefined && shape.rampUpMs > 0) {
    throw new UnsupportedOptionError('k6', 'rampUp', 'k6 cannot ramp up a run bounded by `requests`')
  }
}

/** A code iteration runs on k6 as a module (through a generated shim), for a duration. */
function assertK6CodeIteration(shape: LoadShape, iteration: CodeIteration): void {
  if (iteration.module === undefined) {
    throw new UnsupportedOptionError(
      'k6',
      'iteration',
      "an `iteration` function lives in this process, and k6 runs scripts in its own JavaScript runtime: give the iteration as a module (`iteration: new URL('./shopper.js', import.meta.url)`), or run it on the native engine",
    )
  }
  if (shape.requests !== undefined || shape.durationMs === undefined) {
    throw new UnsupportedOptionError('k6', 'requests', 'a code iteration on k6 runs for a `duration`')
  }
}

/**
 * k6 expresses `tls.rejectUnauthorized: false` (`--insecure-skip-tls-verify`) and a client certificate
 * (`tlsAuth`, generated scripts only); it has no option for a CA of one's own, a key passphrase or a
 * server name other than the URL's.
 */
function assertK6TlsSupported(request: ResolvedRequest, script: string | undefined): void {
  const { tls } = request
  if (tls === undefined) return
  if (tls.ca !== undefined) {
    throw new UnsupportedOptionError(
      'k6',
      'tls.ca',
      'k6 trusts only the system roots (use `rejectUnauthorized: false`)',
    )
  }
  if (tls.servername !== undefined)
    throw new UnsupportedOptionError('k6', 'tls.servername', "k6 verifies the URL's host")
  if (tls.passphrase !== undefined) {
    throw new UnsupportedOptionError('k6', 'tls.passphrase', 'k6 v0.48 takes an unencrypted `tlsAuth` key')
  }
  if (tls.cert !== undefined && script !== undefined) {
    throw new UnsupportedOptionError('k6', 'tls.cert', 'a user `script` declares its own `tlsAuth`')
  }
}

/** The load shape of a user script as k6 CLI flags (which override the script's own options). */
function userScriptLoadArgs(shape: LoadShape): string[] {
  const args = ['--vus', String(shape.users)]
  if (shape.requests !== undefined) args.push('--iterations', String(shape.requests))
  if (shape.rampUpMs > 0 && shape.durationMs !== undefined) {
    const hold = shape.durationMs - shape.rampUpMs
    args.push('--stage', `${formatDurationForTool(shape.rampUpMs)}:${shape.users}`)
    if (hold > 0) args.push('--stage', `${formatDurationForTool(hold)}:${shape.users}`)
  } else if (shape.durationMs !== undefined) args.push('--duration', formatDurationForTool(shape.durationMs))
  return args
}

/** k6's argument array (validated with assertK6Supports). */
export function buildK6Args(
  options: Pick<ToolRunOptions, 'request' | 'shape' | 'tool'>,
  files: { script: string; spec: string; summary: string; samples?: string },
): string[] {
  const args = [
    'run',
    '--no-color',
    '--quiet',
    '--summary-export',
    files.summary,
    '--summary-trend-stats',
    K6_TREND_STATS.join(','),
  ]
  if (options.request.tls?.rejectUnauthorized === false) args.push('--insecure-skip-tls-verify')
  // A code iteration names its endpoints, groups and metrics as it runs: its results come from every sample.
  if (files.samples !== undefined)
    args.push('--out', `json=${files.samples}`, '--system-tags', K6_SAMPLE_SYSTEM_TAGS.join(','))
  if (options.tool.script === undefined) args.push('--env', `${K6_SPEC_ENV}=${files.spec}`)
  else args.push(...userScriptLoadArgs(options.shape))
  args.push(files.script)
  return args
}

// `p(95)<200` → `p(95)`, `rate<0.1` → `rate`, `count>=10` → `count`: the aggregation k6 compared.
const AGGREGATION = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(?:<|>|=|!)/

/**
 * The value a k6 threshold compared, as k6 reported it: the metric's value for the aggregation the expression
 * names (the summary carries every trend stat perfspec asks for), else the metric's headline value.
 */
function thresholdActual(summary: K6Summary, metric: string, expression: string): number {
  const values = summary.metrics.get(metric) ?? {}
  const aggregation = AGGREGATION.exec(expression)?.[1]
  const named = aggregation === undefined ? undefined : values[aggregation === 'p(50)' ? 'med' : aggregation]
  return named ?? values.value ?? values.rate ?? values.avg ?? values.count ?? 0
}

/** k6's own threshold verdicts as perfspec threshold results; exit code 99 fails the run even without them. */
export function k6ThresholdResults(summary: K6Summary, exitCode: number | undefined): ThresholdResult[] {
  const results = summary.thresholds
    .filter(({ metric, expression }) => !isCarrierThreshold(metric, expression))
    .map(({ metric, expression, passed }) => ({
      expression: `k6 ${metric}: ${expression}`,
      actual: thresholdActual(summary, metric, expression),
      passed,
    }))
  if (exitCode === K6_THRESHOLDS_FAILED && !results.some((result) => !result.passed)) {
    results.push({
      expression: "k6's own thresholds (exit code 99)",
      actual: K6_THRESHOLDS_FAILED,
      passed: false,
    })
  }
  return results
}

function warningsFor(summary: K6Summary, script: string | undefined, samples: boolean): string[] {
  // The generated script counts failures by type; a user script's failures are only counted.
  const warnings = samples
    ? []
    : [
        script === undefined
          ? "k6's summary reports no status codes"
          : "k6's summary reports no status codes and no breakdown of failed requests",
      ]
  const duration = summary.metrics.get('http_req_duration')
  if (duration !== undefined && duration['p(99)'] === undefined)
    warnings.push("k6's summary has no p(99): it reads as 0")
  const dropped = summary.metrics.get('dropped_iterations')?.count ?? 0
  if (dropped > 0)
    warnings.push(`k6 dropped ${dropped} iterations: too few VUs for the arrival rate (raise \`maxUsers\`)`)
  return warnings
}

/**
 * The kill deadline: perfspec's (duration + grace), plus the time k6 gives the requests in flight at the end
 * (`gracefulStop`; the generated script's requests end within `timeout`).
 */
export function k6DeadlineMs(
  options: Pick<ToolRunOptions, 'request' | 'shape' | 'tool'> & { journey?: ResolvedJourney | undefined },
): number {
  const { timeoutMs } = options.request
  // A user's script, or a code iteration, may take all of `gracefulStop` to finish an iteration in flight.
  const ownCode = options.tool.script !== undefined || options.journey?.iteration !== undefined
  const inFlight = ownCode ? K6_GRACEFUL_STOP_MS : Math.min(timeoutMs, K6_GRACEFUL_STOP_MS)
  return deadlineFor(options.shape, timeoutMs) + inFlight
}

async function prepareScript(
  options: ToolRunOptions,
  dir: string,
  specFile: string,
  setup: unknown,
): Promise<string> {
  if (options.tool.script !== undefined) return resolveUserFile('script', options.tool.script)
  const module = options.journey?.iteration?.module
  if (options.journey !== undefined && module !== undefined) {
    const files = renderK6IterationFiles(module, k6IterationSpec(options, setup), options.journey)
    for (const [kind, text] of Object.entries(files))
      await writeFile(path.join(dir, K6_ITERATION_FILES[kind as keyof typeof files]), text)
    return path.join(dir, K6_ITERATION_FILES.script)
  }
  if (options.journey !== undefined) {
    const files = renderK6JourneyFiles(k6Journey(options, options.journey, setup))
    for (const [kind, text] of Object.entries(files))
      await writeFile(path.join(dir, K6_JOURNEY_FILES[kind as keyof typeof files]), text)
    return path.join(dir, K6_JOURNEY_FILES.script)
  }
  return writeGeneratedScript(
    dir,
    { name: 'perfspec-script.js', code: GENERATED_K6_SCRIPT },
    { file: specFile, value: k6Spec(options) },
  )
}

/** Grafana k6: a generated script (the request from the options) or the user's `script`. */
export class K6Adapter extends ExternalToolAdapter {
  readonly name = 'k6' as const
  readonly unsupported = K6_UNSUPPORTED
  readonly unsupportedWithOwnFile = K6_UNSUPPORTED_WITH_SCRIPT
  // Go raises its soft limit to the hard one itself.
  readonly fds: FdNeeds = { own: 64, limit: 'hard', workerProcesses: false }
  protected readonly spec = K6

  protected readVersion(file: string): Promise<string> {
    return this.probeVersion(file, ['version'], /v(\d+\.\d+\.\d+\S*)/)
  }

  async run(options: ToolRunOptions): Promise<AdapterRun> {
    assertK6Supports(options)
    const module = options.journey?.iteration?.module
    if (module !== undefined) await assertK6IterationModule(module)
    const file = await this.locate(options.tool)
    const { journey } = options
    if (journey === undefined) return this.runScript(file, options, undefined)
    return withJourneySetup('k6', journey, options.signal, (setup) => this.runScript(file, options, setup))
  }

  private runScript(file: string, options: ToolRunOptions, setup: unknown): Promise<AdapterRun> {
    return withRunDir('k6', async (dir) => {
      const code = options.journey?.iteration !== undefined
      const files = {
        spec: path.join(dir, 'perfspec-spec.json'),
        summary: path.join(dir, 'summary.json'),
        script: '',
        ...(code ? { samples: path.join(dir, 'samples.json') } : {}),
      }
      files.script = await prepareScript(options, dir, files.spec, setup)
      const output = await runTool(
        {
          tool: 'k6',
          file,
          args: buildK6Args(options, files),
          cwd: dir,
          runDir: dir,
          signal: options.signal,
          env: K6_ENV,
          deadlineMs: k6DeadlineMs(options),
          stopSignal: 'SIGINT',
          okExitCodes: [K6_THRESHOLDS_FAILED],
        },
        K6,
      )
      const text = await readFile(files.summary, 'utf8').catch(() => undefined)
      if (text === undefined) {
        if (output.aborted) {
          return requireSomeRequests('k6', emptyAbortedRun(['k6 was stopped before it wrote its summary']))
        }
        throw new ParseError(
          'k6 exited without writing its summary (is K6_NO_SUMMARY, `--no-summary` or `--summary-mode=disabled` set?)',
        )
      }
      const summary = parseK6Summary(text)
      const run: AdapterRun = {
        metrics: k6ToMetrics(summary),
        timeline: [],
        aborted: output.aborted,
        warnings: warningsFor(summary, options.tool.script, files.samples !== undefined),
        toolThresholds: k6ThresholdResults(summary, output.exitCode),
      }
      const dropped = summary.metrics.get('dropped_iterations')?.count
      if (options.shape.model === 'open') run.droppedIterations = dropped ?? 0
      if (files.samples === undefined) addEndpoints(run, summary, options)
      else await addCodeResults(run, files.samples, options.journey?.iteration?.endpoints ?? [])
      return requireSomeRequests('k6', run)
    })
  }
}

/** Per-endpoint (and, for a journey, per-scenario) results from k6's tagged sub-metrics. */
function addEndpoints(run: AdapterRun, summary: K6Summary, options: ToolRunOptions): void {
  const { journey } = options
  if (journey === undefined) {
    // A user's script reports the `{name:…}` sub-metrics it declared thresholds for.
    const endpoints = options.tool.script === undefined ? {} : k6Endpoints(summary, new Map())
    if (Object.keys(endpoints).length > 0) run.endpoints = endpoints
    return
  }
  const known = knownEndpoints(journey)
  const checks = knownChecks(journey)
  run.endpoints = k6Endpoints(summary, known, checks.byStep)
  run.metrics = withEndpointCounts(
    withStepErrors(run.metrics, runStepErrors(summary, [...known.keys()])),
    run.endpoints,
  )
  run.scenarios = k6Scenarios(
    summary,
    journey.scenarios.map((scenario) => scenario.name),
    checks.byScenario,
  )
}

/** A code iteration's results from k6's samples: the run, its endpoints, its one scenario, its groups. */
async function addCodeResults(run: AdapterRun, samplesFile: string, named: readonly string[]): Promise<void> {
  const reader = new K6SampleReader(named)
  const lines = createInterface({ input: createReadStream(samplesFile), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) reader.add(line)
  const results = reader.results(run.metrics.durationMs)
  run.metrics = results.metrics
  run.endpoints = results.endpoints
  run.scenarios = { [DEFAULT_SCENARIO]: results.scenario }
  if (results.groups !== undefined) run.groups = results.groups
}
