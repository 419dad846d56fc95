import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { EndpointMetrics } from '../foundation/model/index.ts'
import { getOwn, setOwn } from '../foundation/util/own-keys.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { withCheckCounts, withEndpointCounts } from '../metrics/check-counts.ts'
import type { KnownEndpoints } from '../metrics/parsers/endpoint-names.ts'
import {
  type LocustException,
  locustToMetrics,
  parseLocustExceptions,
  parseLocustFailures,
  parseLocustHistory,
  parseLocustLoadSpan,
  parseLocustStats,
} from '../metrics/parsers/locust-csv.ts'
import { locustEndpoints, withFinalPoint } from '../metrics/parsers/locust-endpoints.ts'
import {
  type LocustStepCounts,
  mergeEndpointMetrics,
  parseLocustScenarios,
  parseLocustStepCounts,
} from '../metrics/parsers/locust-scenarios.ts'
import { utf8HeaderProblem } from '../options/http-fields.ts'
import type { LoadShape } from '../options/shape.ts'
import type { ToolRunOptions } from './adapter.ts'
import { ExternalToolAdapter } from './external.ts'
import type { FdNeeds } from './fd-limit.ts'
import { withJourneySetup } from './journey-setup.ts'
import { type LocustCommand, locustWorkerProcesses, runDistributed } from './locust-distributed.ts'
import { inspectLocust, type LocustInstall } from './locust-install.ts'
import {
  deadlineFor,
  emptyAbortedRun,
  requireSomeRequests,
  resolveUserFile,
  wholeSeconds,
  withRunDir,
  writeGeneratedScript,
} from './run-files.ts'
import { knownEndpoints } from './scripts/journey-spec.ts'
import { LOCUST_JOURNEY_OUT_ENV } from './scripts/locust-journey-code.ts'
import {
  assertLocustJourney,
  locustJourneySpec,
  renderLocustJourney,
} from './scripts/locust-journey-script.ts'
import {
  GENERATED_LOCUSTFILE,
  LOCUST_ENTRY,
  LOCUST_ENTRY_ENV,
  LOCUST_LOAD_SUFFIX,
  LOCUST_SPEC_FILE,
  locustRequestSpec,
} from './scripts/locustfile.ts'
import { startTool, type ToolSpec } from './spawn.ts'
import { type UnsupportedOptions, WHY } from './unsupported.ts'

export const LOCUST: ToolSpec = {
  tool: 'locust',
  command: 'locust',
  envVar: 'PERFSPEC_LOCUST',
  installHint: 'apt-get install python3-locust',
}

/** The journey locustfile's iteration counts, written at quit. */
const JOURNEY_COUNTS_FILE = 'journey-counts.json'
const USER_FILE_DEFINES = 'a user `locustfile` defines its own requests'

/** What Locust cannot do (runAdapter refuses it before the run). */
export const LOCUST_UNSUPPORTED: UnsupportedOptions = {
  iteration: "a code iteration cannot run in Locust's Python: write a locustfile, or use the native engine",
  rate: 'perfspec drives Locust as a closed model only: use `users`',
  stages: 'perfspec drives Locust as a closed model only: use `users`',
  maxUsers: 'perfspec drives Locust as a closed model only: use `users`',
  requests: 'Locust 2.12 cannot stop after a number of requests: use `duration`',
  script: WHY.script,
  check: WHY.check,
  warmup: WHY.warmup,
  maxHeaderSize: WHY.maxHeaderSize,
  http2: "perfspec's generated FastHttpUser speaks HTTP/1.1 only",
}

/** What a user's own `locustfile` defines itself. */
export const LOCUST_UNSUPPORTED_WITH_LOCUSTFILE: UnsupportedOptions = {
  method: USER_FILE_DEFINES,
  headers: USER_FILE_DEFINES,
  body: USER_FILE_DEFINES,
  expectStatus: USER_FILE_DEFINES,
  tls: 'a user `locustfile` verifies as its own code says (FastHttpUser: `insecure`, `ssl_context_factory`)',
}

/** What of `tls` the generated locustfiles carry: the CAs to trust and whether to verify. */
const TLS_UNSUPPORTED = {
  cert: "perfspec's generated locustfiles send no client certificate",
  passphrase: "perfspec's generated locustfiles send no client certificate",
  servername: "Locust's client verifies the URL's host",
} as const

/** Locust's run length: whole seconds (`-t`). */
function locustSeconds(shape: LoadShape): number | undefined {
  return shape.durationMs === undefined ? undefined : wholeSeconds(shape.durationMs)
}

/**
 * Throws for what Locust cannot do beyond the options it declares unsupported: a journey it cannot run,
 * combinations, what its command line cannot carry. Runs before anything is spawned.
 */
export function assertLocustSupports(options: ToolRunOptions): void {
  const { request, shape, tool, journey } = options
  if (journey !== undefined) assertLocustJourney(tool, journey)
  const utf8Problem = utf8HeaderProblem(request.headers)
  if (utf8Problem !== undefined)
    throw new UnsupportedOptionError('locust', utf8Problem.option, utf8Problem.why)
  if (
    locustWorkerProcesses(tool) === undefined &&
    (tool.masterBindHost !== undefined || tool.masterPort !== undefined)
  ) {
    const option = tool.masterBindHost === undefined ? 'masterPort' : 'masterBindHost'
    throw new UnsupportedOptionError('locust', option, 'a master is only started with `workers` of 1 or more')
  }
  for (const [option, why] of Object.entries(TLS_UNSUPPORTED)) {
    if (request.tls?.[option as keyof typeof TLS_UNSUPPORTED] !== undefined)
      throw new UnsupportedOptionError('locust', `tls.${option}`, why)
  }
  if (locustSeconds(shape) === undefined) {
    throw new UnsupportedOptionError(
      'locust',
      'duration',
      `Locust takes whole seconds (-t), got ${shape.durationMs} ms`,
    )
  }
}

/** `--host`: the origin plus the URL's path, so a locustfile's relative paths resolve below it. */
function hostOf(options: Pick<ToolRunOptions, 'request' | 'tool'>): string {
  const { url } = options.request
  if (options.tool.locustfile === undefined) return url.origin
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/**
 * The arguments of a standalone run or of the master (validated with assertLocustSupports). `clock: 'entry'`:
 * perfspec's entry point ends the run (PERFSPEC_LOCUST_RUN_SECONDS), so there is no `-t`.
 */
export function buildLocustArgs(
  options: Pick<ToolRunOptions, 'request' | 'shape' | 'tool'>,
  files: { locustfile: string; csvPrefix: string },
  clock: 'entry' | 'locust' = 'locust',
): string[] {
  const { shape } = options
  const rampUpSeconds = shape.rampUpMs / 1000
  const spawnRate = rampUpSeconds > 0 ? shape.users / rampUpSeconds : shape.users
  return [
    '-f',
    files.locustfile,
    '--headless',
    '--host',
    hostOf(options),
    '-u',
    String(shape.users),
    '-r',
    String(spawnRate),
    ...(clock === 'locust' ? ['-t', `${locustSeconds(shape)}s`] : []),
    '--csv',
    files.csvPrefix,
    '--only-summary',
    // A history row per endpoint too, so each endpoint gets its own timeline.
    '--csv-full-history',
    // Failed requests are results, not a failed run.
    '--exit-code-on-error',
    '0',
  ]
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

async function readExceptions(dir: string): Promise<LocustException[]> {
  const text =
    (await readIfExists(path.join(dir, 'final_exceptions.csv'))) ??
    (await readIfExists(path.join(dir, 'run_exceptions.csv')))
  return text === undefined ? [] : parseLocustExceptions(text)
}

/**
 * Locust runs through perfspec's entry point under the script's own interpreter (see LOCUST_ENTRY), which
 * also ends the run; a `locust` that is no Python script runs as it is, ended by its own `-t`.
 */
async function commandFor(
  file: string,
  install: LocustInstall,
  dir: string,
  shape: LoadShape,
): Promise<LocustCommand> {
  if (install.interpreter === undefined) return { file, prefix: [], env: {} }
  const entry = path.join(dir, 'perfspec_locust.py')
  await writeFile(entry, LOCUST_ENTRY)
  const env: Record<string, string> = {
    [LOCUST_ENTRY_ENV.final]: path.join(dir, 'final'),
    [LOCUST_ENTRY_ENV.runSeconds]: String(locustSeconds(shape)),
  }
  if (install.reportedVersion === '') env[LOCUST_ENTRY_ENV.version] = install.version
  const [interpreter, ...interpreterArgs] = install.interpreter as [string, ...string[]]
  return { file: interpreter, prefix: [...interpreterArgs, entry], env }
}

async function prepareLocustfile(options: ToolRunOptions, dir: string, setup: unknown): Promise<string> {
  const { request, tool, journey } = options
  if (tool.locustfile !== undefined) return resolveUserFile('locustfile', tool.locustfile)
  if (journey !== undefined) {
    const file = path.join(dir, 'perfspec_locustfile.py')
    await writeFile(file, renderLocustJourney(locustJourneySpec(request.url, journey, setup, request.tls)))
    return file
  }
  return writeGeneratedScript(
    dir,
    { name: 'perfspec_locustfile.py', code: GENERATED_LOCUSTFILE },
    { file: path.join(dir, LOCUST_SPEC_FILE), value: locustRequestSpec(request) },
  )
}

async function readResults(
  dir: string,
  options: ToolRunOptions,
  aborted: boolean,
  warnings: string[],
): Promise<AdapterRun> {
  const finalStats = await readIfExists(path.join(dir, 'final_stats.csv'))
  const statsText = finalStats ?? (await readIfExists(path.join(dir, 'run_stats.csv')))
  if (statsText === undefined) return emptyAbortedRun(['Locust was stopped before it wrote results'])
  if (finalStats === undefined)
    warnings.push('Locust did not write its final stats: the numbers may miss the last second')
  const stats = parseLocustStats(statsText)
  const failuresText =
    (await readIfExists(path.join(dir, 'final_failures.csv'))) ??
    (await readIfExists(path.join(dir, 'run_failures.csv')))
  const failures = failuresText === undefined ? [] : parseLocustFailures(failuresText)
  // perfspec's locustfiles count every request, raised or not (open_request): a task exception is no request.
  const exceptions = await readExceptions(dir)
  const raised = exceptions.reduce((sum, exception) => sum + exception.count, 0)
  if (raised > 0) {
    warnings.push(
      `the locustfile's tasks raised ${raised} exceptions (not counted as requests): ${exceptions[0]?.message}`,
    )
  }
  const userFile = options.tool.locustfile !== undefined
  const durationMs = options.shape.durationMs ?? 0
  const loadText = await readIfExists(path.join(dir, `final${LOCUST_LOAD_SUFFIX}`))
  const loadMs = loadText === undefined ? undefined : parseLocustLoadSpan(loadText)
  const metrics = locustToMetrics(stats, failures, durationMs, loadMs)
  const historyText = await readIfExists(path.join(dir, 'run_stats_history.csv'))
  const history = historyText === undefined ? [] : parseLocustHistory(historyText)
  const timeline = withFinalPoint(history, {
    requests: stats.aggregated.requestCount,
    failures: stats.aggregated.failureCount,
    users: 0,
  })
  const run: AdapterRun = { metrics, timeline, aborted, warnings }
  // Per-name rows are endpoints for a user's locustfile; the generated single request is one endpoint only.
  if (userFile)
    run.endpoints = locustEndpoints(stats.rows, failures, historyText, durationMs, undefined, loadMs)
  const { journey } = options
  if (journey !== undefined) {
    const known = knownEndpoints(journey)
    const countsText = await readIfExists(path.join(dir, JOURNEY_COUNTS_FILE))
    const endpoints = withStepCounts(
      locustEndpoints(stats.rows, failures, historyText, durationMs, known, loadMs),
      known,
      countsText === undefined ? new Map() : parseLocustStepCounts(countsText),
    )
    run.endpoints = endpoints
    run.metrics = withEndpointCounts(metrics, endpoints)
    if (countsText === undefined) warnings.push('Locust wrote no journey counts: the scenarios are missing')
    else {
      const single = journey.scenarios.length === 1
      const stepNames = new Map(
        journey.scenarios.map((scenario) => [
          scenario.name,
          new Set([...scenario.onStart, ...scenario.steps].map((step) => step.name)),
        ]),
      )
      run.scenarios = parseLocustScenarios(countsText, (scenario) =>
        single
          ? metrics
          : mergeEndpointMetrics(
              Object.entries(endpoints)
                .filter(([name]) => stepNames.get(scenario)?.has(name) === true)
                .map(([, endpoint]) => endpoint),
              metrics.durationMs,
            ),
      )
      if (!single)
        warnings.push(
          "Locust keeps rows per endpoint, not per scenario: a scenario's percentiles are its endpoints' request-weighted means",
        )
    }
  }
  return run
}

/**
 * A generated journey's endpoints with the checks and requests never sent its locustfile counted; a step
 * that sent no request (Locust has no row for it) is an empty endpoint.
 */
function withStepCounts(
  endpoints: Record<string, EndpointMetrics>,
  known: KnownEndpoints,
  counts: ReadonlyMap<string, LocustStepCounts>,
): Record<string, EndpointMetrics> {
  const empty = emptyAbortedRun([]).metrics
  const result = { ...endpoints }
  for (const [name, { method, path: stepPath }] of known) {
    const endpoint = getOwn(result, name) ?? { ...empty, durationMs: 0, method, path: stepPath, timeline: [] }
    const step = counts.get(name)
    setOwn(
      result,
      name,
      step === undefined
        ? endpoint
        : { ...endpoint, ...withCheckCounts(endpoint, step.checks, step.notSent) },
    )
  }
  return result
}

/** Locust (headless, CSV stats), standalone or as one master with `workers` worker processes. */
export class LocustAdapter extends ExternalToolAdapter {
  readonly name = 'locust' as const
  readonly unsupported = LOCUST_UNSUPPORTED
  readonly unsupportedWithOwnFile = LOCUST_UNSUPPORTED_WITH_LOCUSTFILE
  // Locust raises its soft limit to 10000 where it may; each worker process holds its share of the users.
  readonly fds: FdNeeds = { own: 64, limit: { raisesTo: 10_000 }, workerProcesses: true }
  protected readonly spec = LOCUST

  protected async readVersion(file: string): Promise<string> {
    return (await inspectLocust(file)).version
  }

  async run(options: ToolRunOptions): Promise<AdapterRun> {
    assertLocustSupports(options)
    const file = await this.locate(options.tool)
    const install = await inspectLocust(file)
    const { journey } = options
    if (journey === undefined) return this.runIn(file, install, options, undefined)
    return withJourneySetup('locust', journey, options.signal, (setup) =>
      this.runIn(file, install, options, setup),
    )
  }

  private runIn(
    file: string,
    install: LocustInstall,
    options: ToolRunOptions,
    setup: unknown,
  ): Promise<AdapterRun> {
    return withRunDir('locust', async (dir) => {
      const locustfile = await prepareLocustfile(options, dir, setup)
      const command = await commandFor(file, install, dir, options.shape)
      if (options.journey !== undefined)
        command.env[LOCUST_JOURNEY_OUT_ENV] = path.join(dir, JOURNEY_COUNTS_FILE)
      const clock = command.env[LOCUST_ENTRY_ENV.runSeconds] === undefined ? 'locust' : 'entry'
      const args = buildLocustArgs(options, { locustfile, csvPrefix: path.join(dir, 'run') }, clock)
      const warnings = [
        'Locust percentiles are rounded to 2 significant digits, its response times to whole ms',
        'Locust reports no status codes; its timeline percentiles are over its rolling 10 s window',
      ]
      const workers = locustWorkerProcesses(options.tool)
      if (command.env[LOCUST_ENTRY_ENV.version] !== undefined && workers !== undefined) {
        warnings.push(
          `Locust reports an empty version; master and workers announce ${install.version} instead`,
        )
      }
      let aborted: boolean
      if (workers === undefined) {
        const standalone = await startTool(
          {
            tool: 'locust',
            file: command.file,
            args: [...command.prefix, ...args],
            env: command.env,
            runDir: dir,
            signal: options.signal,
            deadlineMs: deadlineFor(options.shape, options.request.timeoutMs),
            stopSignal: 'SIGTERM',
          },
          LOCUST,
        )
        aborted = (await standalone.done).aborted
      } else {
        aborted = (
          await runDistributed(LOCUST, options, workers, command, args, {
            locustfile,
            runDir: dir,
          })
        ).aborted
      }
      return requireSomeRequests('locust', await readResults(dir, options, aborted, warnings))
    })
  }
}
