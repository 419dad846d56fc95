import { parseArgs } from 'node:util'
import { InvalidOptionError } from '../../foundation/errors.ts'
import type { LoadTestOptions } from '../../foundation/types.ts'
import { argument, fail } from '../../options/validate.ts'

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'load'; options: Partial<LoadTestOptions>; file: string | undefined; output: CliOutput }
  | { kind: 'export'; file: string; format: 'k6' | 'locust'; options: Partial<LoadTestOptions> }

/** How results are shown and written. */
export interface CliOutput {
  json: boolean
  html: string | undefined
  junit: string | undefined
  quiet: boolean
  /** False with --no-color; otherwise colors follow the terminal (NO_COLOR, FORCE_COLOR). */
  color: boolean
}

const OPTIONS = {
  users: { type: 'string', short: 'u' },
  connections: { type: 'string', short: 'c' },
  duration: { type: 'string', short: 'd' },
  requests: { type: 'string', short: 'n' },
  rate: { type: 'string' },
  method: { type: 'string', short: 'm' },
  header: { type: 'string', short: 'H', multiple: true },
  body: { type: 'string', short: 'b' },
  tool: { type: 'string' },
  transport: { type: 'string' },
  workers: { type: 'string' },
  timeout: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  junit: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  'no-color': { type: 'boolean' },
  k6: { type: 'boolean' },
  locust: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

// A number where the text is one; otherwise the text itself, so the option's validator names what it got.
function numberOrText(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  return text.trim() !== '' && Number.isFinite(value) ? value : text
}

/** `'accept: text/html'` → `['accept', 'text/html']`; the wire checks come later, with the options. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':')
  if (colon <= 0) fail(argument('--header'), "'name: value'", text)
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()]
}

/**
 * `'p(95)<200'` reads `http_req_duration`; `'http_req_failed: rate<0.01'` (or any `metric: expression`,
 * tags included: `'http_req_duration{name:login}: p(95)<300'`) names its metric. A metric named like a
 * property every object has (`__proto__`, `constructor`) is refused: as a key it would not be a threshold.
 */
export function parseThresholdFlags(expressions: readonly string[]): Record<string, string[]> {
  const thresholds = new Map<string, string[]>()
  for (const text of expressions) {
    const named = /^\s*([a-z_]+(?:\{[^}]*\})?)\s*:\s*(.+)$/.exec(text)
    const metric = named?.[1] ?? 'http_req_duration'
    const expression = (named?.[2] ?? text).trim()
    if (expression === '') fail(argument('--threshold'), "an expression like 'p(95)<200'", text)
    if (Object.hasOwn(Object.prototype, metric.replace(/\{.*$/, ''))) {
      fail(argument('--threshold'), "'metric: expression' with a metric like http_req_failed", text)
    }
    const list = thresholds.get(metric) ?? []
    list.push(expression)
    thresholds.set(metric, list)
  }
  return Object.fromEntries(thresholds)
}

type ParsedValues = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values']

function put<K extends keyof LoadTestOptions>(
  options: Partial<LoadTestOptions>,
  key: K,
  value: unknown,
): void {
  if (value !== undefined) options[key] = value as LoadTestOptions[K]
}

/**
 * Parses the command line (without `node` and the script) with `node:util` parseArgs. Option values stay
 * as the user typed them (numbers where they are numbers): `resolveLoadOptions` validates them as it does
 * for `loadTest`, so the CLI and the API refuse the same things with the same messages.
 */
export function parseCli(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs throws a TypeError (ERR_PARSE_ARGS_*) on an unknown flag or a missing value: bad input.
    throw new InvalidOptionError('argv', error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help === true) return { kind: 'help' }
  if (values.version === true) return { kind: 'version' }
  const [first, second, ...rest] = positionals
  if (first === 'export') {
    if (second === undefined || rest.length > 0)
      fail(argument('export'), 'one options file', positionals.slice(1).join(' '))
    if (values.k6 === values.locust)
      fail(argument('export'), 'given exactly one of --k6 and --locust', 'both or neither')
    return {
      kind: 'export',
      file: second,
      format: values.k6 === true ? 'k6' : 'locust',
      options: optionsOf(values, undefined),
    }
  }
  const isRun = first === 'run'
  const file = isRun ? second : undefined
  const urls = isRun ? rest : positionals
  if (isRun && file === undefined) fail(argument('run'), 'an options file (JSON or YAML)', undefined)
  if (urls.length > 1) fail(argument('url'), 'one URL', urls.join(' '))
  if (!isRun && urls.length === 0) fail(argument('url'), 'a URL (or `run FILE`; see --help)', undefined)

  const noColor = values['no-color'] === true
  return {
    kind: 'load',
    options: optionsOf(values, urls[0]),
    file,
    output: {
      json: values.json === true,
      html: values.html,
      junit: values.junit,
      quiet: values.quiet === true,
      color: !noColor,
    },
  }
}

// The load flags as loadTest options (only those given: laid over an options file's).
function optionsOf(values: ParsedValues, url: string | undefined): Partial<LoadTestOptions> {
  const options: Partial<LoadTestOptions> = {}
  put(options, 'url', url)
  put(options, 'name', values.name)
  put(options, 'users', numberOrText(values.users ?? values.connections))
  put(options, 'duration', values.duration)
  put(options, 'requests', numberOrText(values.requests))
  put(options, 'rate', numberOrText(values.rate))
  put(options, 'method', values.method?.toUpperCase())
  put(options, 'body', values.body)
  put(options, 'tool', values.tool)
  put(options, 'transport', values.transport)
  put(options, 'workers', numberOrText(values.workers))
  put(options, 'timeout', values.timeout)
  if (values.header !== undefined) options.headers = Object.fromEntries(values.header.map(parseHeader))
  if (values.threshold !== undefined) options.thresholds = parseThresholdFlags(values.threshold)
  return options
}
