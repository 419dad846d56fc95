import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UnsupportedOptionError } from '../errors.ts'
import { utf8HeaderProblem } from '../http-fields.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { TimelinePoint } from '../model/index.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import {
  locustToMetrics,
  parseLocustFailures,
  parseLocustHistory,
  parseLocustStats,
} from '../parsers/locust-csv.ts'
import { ExternalToolAdapter } from './external.ts'
import { type LocustCommand, runDistributed } from './locust-distributed.ts'
import { inspectLocust, type LocustInstall } from './locust-install.ts'
import {
  deadlineFor,
  emptyAbortedRun,
  resolveUserFile,
  wholeSeconds,
  withRunDir,
  writeGeneratedScript,
} from './run-files.ts'
import {
  GENERATED_LOCUSTFILE,
  LOCUST_ENTRY,
  LOCUST_SPEC_FILE,
  locustRequestSpec,
} from './scripts/locustfile.ts'
import { startTool, type ToolSpec } from './spawn.ts'
import { rejectUnsupported, WHY } from './unsupported.ts'

export const LOCUST: ToolSpec = {
  tool: 'locust',
  command: 'locust',
  envVar: 'PERFSPEC_LOCUST',
  installHint: 'apt-get install python3-locust',
}

const USER_FILE_DEFINES = 'a user `locustfile` defines its own requests'

/** Throws for what Locust cannot do. Runs before anything is spawned. */
export function assertLocustSupports(options: ResolvedLoadOptions): void {
  rejectUnsupported('locust', options, {
    rate: 'perfspec drives Locust as a closed model only: use `users`',
    stages: 'perfspec drives Locust as a closed model only: use `users`',
    maxUsers: 'perfspec drives Locust as a closed model only: use `users`',
    requests: 'Locust 2.12 cannot stop after a number of requests: use `duration`',
    script: WHY.script,
    check: WHY.check,
    tls: "perfspec's generated FastHttpUser takes no CA or client certificate, and does not verify certificates",
    maxHeaderSize: WHY.maxHeaderSize,
    http2: "perfspec's generated FastHttpUser speaks HTTP/1.1 only",
  })
  const utf8Problem = utf8HeaderProblem(options.headers)
  if (utf8Problem !== undefined)
    throw new UnsupportedOptionError('locust', utf8Problem.option, utf8Problem.why)
  if (options.locustfile !== undefined) {
    rejectUnsupported('locust', options, {
      method: USER_FILE_DEFINES,
      headers: USER_FILE_DEFINES,
      body: USER_FILE_DEFINES,
      expectStatus: USER_FILE_DEFINES,
    })
  }
  if (
    options.workers === undefined &&
    (options.masterBindHost !== undefined || options.masterPort !== undefined)
  ) {
    const option = options.masterBindHost === undefined ? 'masterPort' : 'masterBindHost'
    throw new UnsupportedOptionError('locust', option, 'a master is only started with `workers`')
  }
  if (options.durationMs === undefined || wholeSeconds(options.durationMs) === undefined) {
    throw new UnsupportedOptionError(
      'locust',
      'duration',
      `Locust takes whole seconds (-t), got ${options.durationMs} ms`,
    )
  }
}

/** `--host`: the origin plus the URL's path, so a locustfile's relative paths resolve below it. */
function hostOf(options: ResolvedLoadOptions): string {
  if (options.locustfile === undefined) return options.url.origin
  return `${options.url.origin}${options.url.pathname.replace(/\/+$/, '')}`
}

/** The arguments of a standalone run or of the master (validated with assertLocustSupports). */
export function buildLocustArgs(
  options: ResolvedLoadOptions,
  files: { locustfile: string; csvPrefix: string },
): string[] {
  const rampUpSeconds = options.rampUpMs / 1000
  const spawnRate = rampUpSeconds > 0 ? options.users / rampUpSeconds : options.users
  return [
    '-f',
    files.locustfile,
    '--headless',
    '--host',
    hostOf(options),
    '-u',
    String(options.users),
    '-r',
    String(spawnRate),
    '-t',
    `${wholeSeconds(options.durationMs ?? 0)}s`,
    '--csv',
    files.csvPrefix,
    '--only-summary',
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

/** Locust runs through perfspec's entry point under the script's own interpreter (see LOCUST_ENTRY). */
async function commandFor(file: string, install: LocustInstall, dir: string): Promise<LocustCommand> {
  if (install.interpreter === undefined) return { file, prefix: [], env: {} }
  const entry = path.join(dir, 'perfspec_locust.py')
  await writeFile(entry, LOCUST_ENTRY)
  const env: Record<string, string> = { PERFSPEC_LOCUST_FINAL: path.join(dir, 'final') }
  if (install.reportedVersion === '') env.PERFSPEC_LOCUST_VERSION = install.version
  const [interpreter, ...interpreterArgs] = install.interpreter as [string, ...string[]]
  return { file: interpreter, prefix: [...interpreterArgs, entry], env }
}

function prepareLocustfile(options: ResolvedLoadOptions, dir: string): Promise<string> {
  if (options.locustfile !== undefined) return resolveUserFile('locustfile', options.locustfile)
  return writeGeneratedScript(
    dir,
    { name: 'perfspec_locustfile.py', code: GENERATED_LOCUSTFILE },
    { file: path.join(dir, LOCUST_SPEC_FILE), value: locustRequestSpec(options) },
  )
}

function withFinalPoint(
  timeline: TimelinePoint[],
  total: { requests: number; failures: number; users: number },
): TimelinePoint[] {
  const counted = timeline.reduce((sum, point) => sum + point.requests, 0)
  const errors = timeline.reduce((sum, point) => sum + point.errors, 0)
  const last = timeline.at(-1)
  if (last === undefined || total.requests <= counted) return timeline
  // The history is written once a second; the requests after its last row go into one more point.
  return [
    ...timeline,
    {
      ...last,
      second: last.second + 1,
      requests: total.requests - counted,
      errors: Math.max(0, total.failures - errors),
      activeUsers: total.users,
    },
  ]
}

async function readResults(
  dir: string,
  options: ResolvedLoadOptions,
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
  const metrics = locustToMetrics(stats, failures, options.durationMs ?? 0)
  const historyText = await readIfExists(path.join(dir, 'run_stats_history.csv'))
  const history = historyText === undefined ? [] : parseLocustHistory(historyText)
  const timeline = withFinalPoint(history, {
    requests: metrics.totalRequests,
    failures: metrics.failedRequests,
    users: 0,
  })
  return { metrics, timeline, aborted, warnings }
}

/** Locust (headless, CSV stats), standalone or as one master with `workers` worker processes. */
export class LocustAdapter extends ExternalToolAdapter {
  readonly name = 'locust' as const
  protected readonly spec = LOCUST

  protected async readVersion(file: string): Promise<string> {
    return (await inspectLocust(file)).version
  }

  async run(options: ResolvedLoadOptions): Promise<AdapterRun> {
    assertLocustSupports(options)
    const file = await this.locate(options)
    const install = await inspectLocust(file)
    return withRunDir('locust', async (dir) => {
      const locustfile = await prepareLocustfile(options, dir)
      const command = await commandFor(file, install, dir)
      const args = buildLocustArgs(options, { locustfile, csvPrefix: path.join(dir, 'run') })
      const warnings = [
        'Locust percentiles are rounded to 2 significant digits, its response times to whole ms',
        'Locust reports no status codes; its timeline percentiles are cumulative',
      ]
      if (command.env.PERFSPEC_LOCUST_VERSION !== undefined && options.workers !== undefined) {
        warnings.push(
          `Locust reports an empty version; master and workers announce ${install.version} instead`,
        )
      }
      let aborted: boolean
      if (options.workers === undefined) {
        const standalone = startTool(
          {
            tool: 'locust',
            file: command.file,
            args: [...command.prefix, ...args],
            env: command.env,
            signal: options.signal,
            deadlineMs: deadlineFor(options),
            stopSignal: 'SIGTERM',
          },
          LOCUST,
        )
        aborted = (await standalone.done).aborted
      } else {
        aborted = (
          await runDistributed(LOCUST, { ...options, workers: options.workers }, command, args, locustfile)
        ).aborted
      }
      return readResults(dir, options, aborted, warnings)
    })
  }
}
