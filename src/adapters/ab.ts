import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ToolFailedError, UnsupportedOptionError } from '../foundation/errors.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import { type AbSummary, abToMetrics, parseAbPercentileCsv, parseAbText } from '../metrics/parsers/ab.ts'
import { utf8HeaderProblem } from '../options/http-fields.ts'
import type { ResolvedRequest } from '../options/request.ts'
import type { LoadShape } from '../options/shape.ts'
import { abStep, abStepRequest, withAbEndpoint } from './ab-journey.ts'
import { type AbFraming, probeAbFraming } from './ab-probe.ts'
import type { ToolRunOptions } from './adapter.ts'
import { ExternalToolAdapter } from './external.ts'
import type { FdNeeds } from './fd-limit.ts'
import { applyRequestRules, withRuleWarnings } from './request-rules.ts'
import { deadlineFor, emptyAbortedRun, requireSomeRequests, wholeSeconds, withRunDir } from './run-files.ts'
import { runTool, type ToolSpec } from './spawn.ts'
import { rejectUnsupportedRequest, type UnsupportedOptions, WHY } from './unsupported.ts'

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

/** What ab cannot do (runAdapter refuses it before the run; a journey's step is checked against it too). */
export const AB_UNSUPPORTED: UnsupportedOptions = {
  iteration: 'ab sends one fixed request again and again: it cannot run a code iteration',
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
  maxHeaderSize: WHY.maxHeaderSize,
  http2: 'ab speaks HTTP/1.0 only',
}

const AB_NO_VERIFY = 'ab does not verify certificates and takes no CA or client certificate'

/**
 * ab never verifies a certificate: it runs against https only when the run says so, with
 * `tls: { rejectUnauthorized: false }`, the one `tls` setting it can honour. Anything else is refused, so an
 * expired or untrusted certificate is not reported as a healthy run where native, k6 and Locust fail it.
 */
function assertAbTls(request: ResolvedRequest): void {
  const { tls } = request
  if (tls !== undefined) {
    const option = (['ca', 'cert', 'servername', 'passphrase'] as const).find((key) => tls[key] !== undefined)
    if (option !== undefined) throw new UnsupportedOptionError('ab', `tls.${option}`, AB_NO_VERIFY)
  }
  if (request.url.protocol === 'https:' && tls?.rejectUnauthorized !== false) {
    throw new UnsupportedOptionError(
      'ab',
      'tls',
      `${AB_NO_VERIFY}: against https, say so with \`tls: { rejectUnauthorized: false }\`, or use a tool that verifies (native, k6, locust)`,
    )
  }
}

/**
 * Throws UnsupportedOptionError for what ab cannot do with this request and shape beyond the options it
 * declares unsupported. Runs before anything is spawned.
 */
export function assertAbSupports(request: ResolvedRequest, shape: LoadShape): void {
  assertAbTls(request)
  const utf8Problem = utf8HeaderProblem(request.headers)
  if (utf8Problem !== undefined) throw new UnsupportedOptionError('ab', utf8Problem.option, utf8Problem.why)
  if (shape.durationMs !== undefined && wholeSeconds(shape.durationMs) === undefined) {
    throw new UnsupportedOptionError(
      'ab',
      'duration',
      `ab takes whole seconds (-t), got ${shape.durationMs} ms`,
    )
  }
  if (shape.requests !== undefined && shape.requests < shape.users) {
    throw new UnsupportedOptionError(
      'ab',
      'users',
      `ab needs \`requests\` (${shape.requests}) ≥ \`users\` (${shape.users})`,
    )
  }
  if (request.method === 'HEAD' && request.body !== undefined) {
    throw new UnsupportedOptionError('ab', 'body', 'ab cannot send a body with HEAD')
  }
}

function methodArgs(request: ResolvedRequest, bodyFile: string): string[] {
  if (request.body !== undefined) {
    const args = ['-p', bodyFile, '-T', request.headers['content-type'] ?? 'application/octet-stream']
    // -p means POST; a later -m keeps the body and changes the method.
    return request.method === 'POST' ? args : [...args, '-m', request.method]
  }
  if (request.method === 'GET') return []
  return request.method === 'HEAD' ? ['-i'] : ['-m', request.method]
}

/** ab's `-s`: whole seconds, rounded up (ab takes no fractions). */
export function abTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000))
}

/**
 * ab's argument array for the request and shape (validated with assertAbSupports). `keepAlive: false`
 * leaves out `-k`, for servers that keep HTTP/1.0 connections without saying so (see probeAbFraming).
 */
export function buildAbArgs(
  request: ResolvedRequest,
  shape: LoadShape,
  files: AbFiles,
  keepAlive = true,
): string[] {
  // -k keep-alive, -r count receive errors instead of exiting, -q no progress lines, -e the percentile curve.
  const args = [
    ...(keepAlive ? ['-k'] : []),
    '-r',
    '-q',
    '-c',
    String(shape.users),
    '-s',
    String(abTimeoutSeconds(request.timeoutMs)),
  ]
  if (shape.durationMs !== undefined) args.push('-t', String(shape.durationMs / 1000))
  // -n after -t: -t resets the request count to 50,000.
  if (shape.requests !== undefined) args.push('-n', String(shape.requests))
  args.push(...methodArgs(request, files.body))
  for (const [name, value] of Object.entries(request.headers)) {
    if (request.body !== undefined && name === 'content-type') continue
    args.push('-H', `${name}: ${value}`)
  }
  args.push('-e', files.csv, request.url.href)
  return args
}

function warningsFor(
  summary: AbSummary,
  request: ResolvedRequest,
  shape: LoadShape,
  framing: AbFraming,
): string[] {
  const { timeoutMs } = request
  const warnings = ['ab reports whole percentiles only: p99.9 is its slowest request']
  if (request.url.protocol === 'https:') {
    warnings.push(
      "ab did not verify the server's certificate (`tls.rejectUnauthorized: false`): an expired or untrusted one passes",
    )
  }
  const seconds = abTimeoutSeconds(timeoutMs)
  if (seconds * 1000 !== timeoutMs) {
    warnings.push(`ab's timeout (-s) takes whole seconds: \`timeout\` ${timeoutMs} ms ran as ${seconds} s`)
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
  if (shape.requests === undefined && summary.completeRequests >= AB_TIME_LIMIT_REQUESTS) {
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
  readonly unsupported = AB_UNSUPPORTED
  readonly fds: FdNeeds = { own: 16, limit: 'soft', workerProcesses: false }
  protected readonly spec = AB

  protected readVersion(file: string): Promise<string> {
    return this.probeVersion(file, ['-V'], /Version (\S+)/)
  }

  async run(options: ToolRunOptions): Promise<AdapterRun> {
    const { journey } = options
    if (journey === undefined) return this.runRequest(options.request, options)
    // A journey's one step is the request ab sends: the request rules and the refusals apply to it.
    const step = abStep(journey)
    const ruled = applyRequestRules(abStepRequest(options.request, step))
    rejectUnsupportedRequest('ab', ruled.request, AB_UNSUPPORTED)
    const run = await this.runRequest(ruled.request, options)
    return withRuleWarnings(withAbEndpoint(run, journey, step), ruled.warnings)
  }

  private async runRequest(
    request: ResolvedRequest,
    options: Pick<ToolRunOptions, 'shape' | 'tool' | 'signal'>,
  ): Promise<AdapterRun> {
    const { shape } = options
    assertAbSupports(request, shape)
    const file = await this.locate(options.tool)
    const framing = await probeAbFraming(request)
    if (framing.unusable !== undefined) {
      throw new ToolFailedError('ab', {
        stderrTail: '',
        reason: `cannot run against ${request.url.origin}: ${framing.unusable}`,
      })
    }
    return withRunDir('ab', async (dir) => {
      const files: AbFiles = { csv: path.join(dir, 'percentiles.csv'), body: path.join(dir, 'body') }
      if (request.body !== undefined) await writeFile(files.body, request.body)
      const output = await runTool(
        {
          tool: 'ab',
          file,
          args: buildAbArgs(request, shape, files, framing.keepAlive),
          cwd: dir,
          runDir: dir,
          signal: options.signal,
          deadlineMs: deadlineFor(shape, request.timeoutMs),
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
      const warnings = warningsFor(summary, request, shape, framing)
      return requireSomeRequests('ab', { metrics, timeline: [], aborted: output.aborted, warnings })
    })
  }
}
