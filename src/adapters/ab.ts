import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ToolFailedError, UnsupportedOptionError } from '../foundation/errors.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { type AbSummary, abToMetrics, parseAbPercentileCsv, parseAbText } from '../metrics/parsers/ab.ts'
import { utf8HeaderProblem } from '../options/http-fields.ts'
import type { ResolvedLoadOptions } from '../options/load-options.ts'
import { abStep, abStepOptions, withAbEndpoint } from './ab-journey.ts'
import { type AbFraming, probeAbFraming } from './ab-probe.ts'
import { ExternalToolAdapter } from './external.ts'
import { assertUsersFitFdLimit } from './fd-limit.ts'
import { applyRequestRules, withRuleWarnings } from './request-rules.ts'
import { deadlineFor, emptyAbortedRun, requireSomeRequests, wholeSeconds, withRunDir } from './run-files.ts'
import { runTool, type ToolSpec } from './spawn.ts'
import { rejectUnsupported, WHY } from './unsupported.ts'

export const AB: ToolSpec = {
  tool: 'ab',
  command: 'ab',
  envVar: 'PERFSPEC_AB',
  installHint: 'apt-get install apache2-utils',
}

/** ab sizes its result array on -n; with -t alone it stops after this many requests. */
const AB_TIME_LIMIT_REQUESTS = 50_000

/** Files ab reads and writes in the run's directory. */
export interface AbFiles {
  csv: string
  body: string
}

/** Throws UnsupportedOptionError for what ab cannot do. Runs before anything is spawned. */
export function assertAbSupports(options: ResolvedLoadOptions): void {
  rejectUnsupported('ab', options, {
    rampUp: 'ab starts every user at once (no ramp-up)',
    rate: 'ab has no open model: it runs a fixed number of concurrent users',
    stages: 'ab has no open model: it runs a fixed number of concurrent users',
    maxUsers: 'ab has no open model: use `users`',
    workers: WHY.distributed,
    masterBindHost: WHY.distributed,
    masterPort: WHY.distributed,
    script: WHY.script,
    locustfile: WHY.locustfile,
    check: WHY.check,
    warmup: WHY.warmup,
    expectStatus: 'ab counts every non-2xx response (3xx included) as failed and cannot be told otherwise',
    tls: 'ab takes no CA, client certificate or verification setting (it does not verify certificates)',
    maxHeaderSize: WHY.maxHeaderSize,
    http2: 'ab speaks HTTP/1.0 only',
  })
  const utf8Problem = utf8HeaderProblem(options.headers)
  if (utf8Problem !== undefined) throw new UnsupportedOptionError('ab', utf8Problem.option, utf8Problem.why)
  if (options.durationMs !== undefined && wholeSeconds(options.durationMs) === undefined) {
    throw new UnsupportedOptionError(
      'ab',
      'duration',
      `ab takes whole seconds (-t), got ${options.durationMs} ms`,
    )
  }
  if (options.requests !== undefined && options.requests < options.users) {
    throw new UnsupportedOptionError(
      'ab',
      'users',
      `ab needs \`requests\` (${options.requests}) ≥ \`users\` (${options.users})`,
    )
  }
  if (options.method === 'HEAD' && options.body !== undefined) {
    throw new UnsupportedOptionError('ab', 'body', 'ab cannot send a body with HEAD')
  }
}

function methodArgs(options: ResolvedLoadOptions, bodyFile: string): string[] {
  if (options.body !== undefined) {
    const args = ['-p', bodyFile, '-T', options.headers['content-type'] ?? 'application/octet-stream']
    // -p means POST; a later -m keeps the body and changes the method.
    return options.method === 'POST' ? args : [...args, '-m', options.method]
  }
  if (options.method === 'GET') return []
  return options.method === 'HEAD' ? ['-i'] : ['-m', options.method]
}

/** ab's `-s`: whole seconds, rounded up (ab takes no fractions). */
export function abTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000))
}

/**
 * ab's argument array for the options (validated with assertAbSupports). `keepAlive: false` leaves out
 * `-k`, for servers that keep HTTP/1.0 connections without saying so (see probeAbFraming).
 */
export function buildAbArgs(options: ResolvedLoadOptions, files: AbFiles, keepAlive = true): string[] {
  // -k keep-alive, -r count receive errors instead of exiting, -q no progress lines, -e the percentile curve.
  const args = [
    ...(keepAlive ? ['-k'] : []),
    '-r',
    '-q',
    '-c',
    String(options.users),
    '-s',
    String(abTimeoutSeconds(options.timeoutMs)),
  ]
  if (options.durationMs !== undefined) args.push('-t', String(options.durationMs / 1000))
  // -n after -t: -t resets the request count to 50,000.
  if (options.requests !== undefined) args.push('-n', String(options.requests))
  args.push(...methodArgs(options, files.body))
  for (const [name, value] of Object.entries(options.headers)) {
    if (options.body !== undefined && name === 'content-type') continue
    args.push('-H', `${name}: ${value}`)
  }
  args.push('-e', files.csv, options.url.href)
  return args
}

function warningsFor(summary: AbSummary, options: ResolvedLoadOptions, framing: AbFraming): string[] {
  const warnings = ['ab reports whole percentiles only: p99.9 is its slowest request']
  const seconds = abTimeoutSeconds(options.timeoutMs)
  if (seconds * 1000 !== options.timeoutMs) {
    warnings.push(
      `ab's timeout (-s) takes whole seconds: \`timeout\` ${options.timeoutMs} ms ran as ${seconds} s`,
    )
  }
  warnings.push(
    `perfspec sent ${framing.probes} probe request${framing.probes === 1 ? '' : 's'} before ab's run to ` +
      'learn how the server frames HTTP/1.0 responses: the server counts it, the result does not',
  )
  if (!framing.keepAlive) {
    warnings.push(
      'the server keeps HTTP/1.0 connections without answering `Connection: keep-alive`: ab ran without -k',
    )
  }
  if (framing.truncated !== undefined) {
    warnings.push(
      `the server closed after ${framing.truncated.receivedBytes} of the ${framing.truncated.declaredBytes} ` +
        'body bytes its Content-Length announced: ab counts such responses as complete, perfspec as invalid_response',
    )
  }
  if (framing.keepAlive && summary.keepAliveRequests === 0 && summary.completeRequests > 0) {
    warnings.push(
      'ab speaks HTTP/1.0 and the server kept no connection alive: every request opened a connection',
    )
  }
  if (summary.non2xxResponses > 0) {
    warnings.push(
      'ab does not report status codes: its non-2xx responses (3xx included) count as unexpected_status',
    )
  }
  if (options.requests === undefined && summary.completeRequests >= AB_TIME_LIMIT_REQUESTS) {
    warnings.push('ab stops after 50,000 requests with a time limit; set `requests` to raise the cap')
  }
  return warnings
}

async function readCurve(file: string, summary: AbSummary): Promise<number[] | undefined> {
  // ab writes the curve only when more than one request completed.
  if (summary.completeRequests < 2) return undefined
  try {
    return parseAbPercentileCsv(await readFile(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** Apache Bench: a fixed number of concurrent HTTP/1.0 users, optionally keep-alive. */
export class ApacheBenchAdapter extends ExternalToolAdapter {
  readonly name = 'ab' as const
  protected readonly spec = AB

  protected readVersion(file: string): Promise<string> {
    return this.probeVersion(file, ['-V'], /Version (\S+)/)
  }

  /** Applies the rules every engine shares (see applyRequestRules), then runs the tool. */
  async run(given: ResolvedLoadOptions): Promise<AdapterRun> {
    if (given.journey !== undefined) {
      const step = abStep(given.journey)
      return withAbEndpoint(await this.run(abStepOptions(given, step)), given.journey, step)
    }
    const ruled = applyRequestRules(given)
    return withRuleWarnings(await this.runRuled(ruled.options), ruled)
  }

  private async runRuled(options: ResolvedLoadOptions): Promise<AdapterRun> {
    assertAbSupports(options)
    assertUsersFitFdLimit('ab', options)
    const file = await this.locate(options)
    const framing = await probeAbFraming(options)
    if (framing.unusable !== undefined) {
      throw new ToolFailedError('ab', {
        stderrTail: '',
        reason: `cannot run against ${options.url.origin}: ${framing.unusable}`,
      })
    }
    return withRunDir('ab', async (dir) => {
      const files: AbFiles = { csv: path.join(dir, 'percentiles.csv'), body: path.join(dir, 'body') }
      if (options.body !== undefined) await writeFile(files.body, options.body)
      const output = await runTool(
        {
          tool: 'ab',
          file,
          args: buildAbArgs(options, files, framing.keepAlive),
          cwd: dir,
          runDir: dir,
          signal: options.signal,
          deadlineMs: deadlineFor(options),
          stopSignal: 'SIGINT',
        },
        AB,
      )
      let summary: AbSummary
      try {
        summary = parseAbText(output.stdout)
      } catch (error) {
        if (output.aborted) {
          return requireSomeRequests('ab', emptyAbortedRun(['ab was stopped before it printed results']))
        }
        throw error
      }
      const facts = framing.truncated === undefined ? {} : { truncated: framing.truncated }
      const metrics = abToMetrics(summary, await readCurve(files.csv, summary), facts)
      const warnings = warningsFor(summary, options, framing)
      return requireSomeRequests('ab', { metrics, timeline: [], aborted: output.aborted, warnings })
    })
  }
}
