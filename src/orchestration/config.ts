import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { InvalidConfigError, isPerfError } from '../foundation/errors.ts'
import type { Duration, Thresholds, ToolChoice } from '../foundation/types.ts'
import type { LoadDefaults } from '../options/defaults.ts'
import { requireDurationMs } from '../options/duration.ts'
import { requireErrorBudget } from '../options/error-budget.ts'
import { requireUsers } from '../options/shape.ts'
import { mergeThresholds, parseThresholds } from '../options/thresholds.ts'
import { requireTool } from '../options/tool.ts'
import {
  argument,
  fail,
  isRecord,
  type KnownKeys,
  rejectUnknownKeys,
  requireBoolean,
  requireObject,
  requireString,
} from '../options/validate.ts'

/** Defaults for every run of the project; a call's own options win. */
export interface PerfDefaultsOptions {
  /** Virtual users. @default 10 */
  users?: number
  /** Seconds or `'30s'`. @default 10 */
  duration?: Duration
  /** Seconds or `'5s'`. @default 0 */
  rampUp?: Duration
  /** The largest failed share (0..1) of every load run, or `false` for none (see `errorBudget`). @default 0.01 */
  errorBudget?: number | false
}

export interface PerfReportOptions {
  /** Write the JSON report: `true` for `perfspec-report.json`, a file name, or `false`. @default true */
  json?: boolean | string
  /**
   * Write the HTML report (one self-contained file with charts): `true` for `perfspec-report.html`, a file
   * name, or `false`. @default false
   */
  html?: boolean | string
  /** Write JUnit XML, a test case per result: `true` for `perfspec-report.junit.xml`, a file name, or `false`. @default false */
  junit?: boolean | string
  /** Append a Markdown summary to `$GITHUB_STEP_SUMMARY` when that variable is set. @default true */
  githubSummary?: boolean
  /** Folder of the report files, relative to the project root. @default the project root */
  dir?: string
}

/** Which columns the summary shows: the seed's `performance.metrics` switches. */
export interface MetricsDisplay {
  /** mean, p50, p95, p99. @default true */
  responseTimes: boolean
  /** rps. @default true */
  throughput: boolean
  /** error %. @default true */
  errorRates: boolean
}

/** Options of the Vitest plugin `perf()`. They override config/qa.yaml; a call's options override both. */
export interface PerfPluginOptions {
  /** Load generator for runs that don't name one. @default 'auto' */
  tool?: ToolChoice
  defaults?: PerfDefaultsOptions
  /** Applied to every run, merged key by key beneath a call's own thresholds. */
  thresholds?: Thresholds
  /** Keep baselines here (mirroring test paths) instead of `__perf__` beside each test file. */
  baselineDir?: string
  report?: PerfReportOptions
  /** The seed's config file, relative to the project root; `false` reads none. @default 'config/qa.yaml' */
  configFile?: string | false
  /** Fail a test whose run breached a threshold that no `toPassThresholds` checked. @default true */
  failOnThresholds?: boolean
  /**
   * Fail `toMatchPerfBaseline` when its comparison is inconclusive, not only when it regressed. Either way
   * an inconclusive comparison is shown in the matcher's message, the table and every report.
   * @default false
   */
  failOnInconclusive?: boolean
}

/** The `performance:` section of config/qa.yaml, in perfspec's terms. */
export interface QaPerformanceConfig {
  tool?: ToolChoice
  defaults: Partial<LoadDefaults>
  thresholds?: Thresholds
  metrics: MetricsDisplay
}

/** qa.yaml and plugin options merged into one. Paths are absolute. */
export interface ResolvedPerfConfig extends QaPerformanceConfig {
  root: string
  /** The config file that was read, if any. */
  configFile?: string
  baselineDir?: string
  /** Absolute path of the JSON report, or false. */
  jsonReport: string | false
  /** Absolute path of the HTML report, or false. */
  htmlReport: string | false
  /** Absolute path of the JUnit XML report, or false. */
  junitReport: string | false
  /** Append the Markdown summary to `$GITHUB_STEP_SUMMARY` when it is set. */
  githubSummary: boolean
  failOnThresholds: boolean
  failOnInconclusive: boolean
}

// The seed's YAML keys: they have no TypeScript type to tie to, only the seed's schema.
const QA_KEYS = {
  tool: true,
  default_users: true,
  default_duration: true,
  default_ramp_up: true,
  error_budget: true,
  metrics: true,
  thresholds: true,
} as const
const QA_METRICS = {
  collect_response_times: 'responseTimes',
  collect_throughput: 'throughput',
  collect_error_rates: 'errorRates',
} as const satisfies Record<string, keyof MetricsDisplay>
const QA_METRICS_KEYS = {
  collect_response_times: true,
  collect_throughput: true,
  collect_error_rates: true,
} as const satisfies KnownKeys<typeof QA_METRICS>
// The seed writes its threshold names in snake_case in YAML.
const QA_THRESHOLDS: Record<string, string> = {
  max_avg_response_time_ms: 'maxAvgResponseTimeMs',
  max_error_rate_percent: 'maxErrorRatePercent',
  min_throughput_rps: 'minThroughputRps',
  max_p95_ms: 'maxP95Ms',
  max_p99_ms: 'maxP99Ms',
}
const K6_METRICS = ['http_req_duration', 'http_req_failed', 'http_reqs', 'checks']
const PLUGIN_KEYS = {
  tool: true,
  defaults: true,
  thresholds: true,
  baselineDir: true,
  report: true,
  configFile: true,
  failOnThresholds: true,
  failOnInconclusive: true,
} as const satisfies KnownKeys<PerfPluginOptions>
const PLUGIN_DEFAULTS_KEYS = {
  users: true,
  duration: true,
  rampUp: true,
  errorBudget: true,
} as const satisfies KnownKeys<PerfDefaultsOptions>
const REPORT_KEYS = {
  json: true,
  html: true,
  junit: true,
  githubSummary: true,
  dir: true,
} as const satisfies KnownKeys<PerfReportOptions>
const DEFAULT_REPORT_FILES = {
  json: 'perfspec-report.json',
  html: 'perfspec-report.html',
  junit: 'perfspec-report.junit.xml',
} as const

// Re-throws an option or threshold error with the file and key path in front.
function withLocation<T>(where: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (!isPerfError(error)) throw error
    throw new InvalidConfigError(`${where}: ${error.message}`, { cause: error })
  }
}

function readTool(value: unknown, option: string): ToolChoice | undefined {
  return value === undefined ? undefined : requireTool(value, option)
}

function readDefaults(
  raw: { users?: unknown; duration?: unknown; rampUp?: unknown; errorBudget?: unknown },
  names: { users: string; duration: string; rampUp: string; errorBudget: string },
): Partial<LoadDefaults> {
  const defaults: Partial<LoadDefaults> = {}
  if (raw.errorBudget !== undefined) {
    defaults.errorBudget = requireErrorBudget(names.errorBudget, raw.errorBudget)
  }
  if (raw.users !== undefined) defaults.users = requireUsers(names.users, raw.users)
  if (raw.duration !== undefined) defaults.durationMs = requireDurationMs(names.duration, raw.duration)
  if (raw.rampUp !== undefined) {
    defaults.rampUpMs = requireDurationMs(names.rampUp, raw.rampUp, { allowZero: true })
  }
  return defaults
}

function readThresholds(value: unknown, option: string): Thresholds | undefined {
  if (value === undefined || value === null) return undefined
  const given = requireObject(option, value, 'a mapping of threshold names')
  const thresholds: Record<string, unknown> = {}
  for (const [key, limit] of Object.entries(given)) {
    const name = QA_THRESHOLDS[key] ?? key
    // k6's tagged sub-metrics too: `http_req_duration{name:order}`, `http_reqs{scenario:buy}`.
    const metric = name.replace(/\{[^}]*\}$/, '')
    if (!Object.values(QA_THRESHOLDS).includes(name) && !K6_METRICS.includes(metric)) {
      throw new InvalidConfigError(
        `Unknown threshold \`${option}.${key}\`. Use ${Object.keys(QA_THRESHOLDS).join(', ')}, or k6's ${K6_METRICS.join(', ')}`,
      )
    }
    thresholds[name] = limit
  }
  parseThresholds(thresholds as Thresholds) // throws on an unknown key or a malformed expression
  return thresholds as Thresholds
}

function readMetrics(value: unknown): MetricsDisplay {
  const display: MetricsDisplay = { responseTimes: true, throughput: true, errorRates: true }
  if (value === undefined || value === null) return display
  const given = requireObject('performance.metrics', value, 'a mapping')
  rejectUnknownKeys(given, QA_METRICS_KEYS, 'performance.metrics.')
  for (const [key, field] of Object.entries(QA_METRICS)) {
    const flag = given[key]
    if (flag !== undefined) display[field] = requireBoolean(`performance.metrics.${key}`, flag)
  }
  return display
}

/**
 * Reads the `performance:` section of the seed's config/qa.yaml (other sections belong to other modules and
 * are ignored). Throws an InvalidConfigError naming the file and key on anything it doesn't understand.
 */
export function parseQaConfig(text: string, file = 'config/qa.yaml'): QaPerformanceConfig {
  let document: unknown
  try {
    document = parse(text)
  } catch (error) {
    throw new InvalidConfigError(`${file} is not valid YAML: ${(error as Error).message}`, { cause: error })
  }
  const section = isRecord(document) ? document['performance'] : undefined
  if (section === undefined || section === null) {
    return { defaults: {}, metrics: readMetrics(undefined) }
  }
  return withLocation(file, () => {
    const performance = requireObject('performance', section, 'a mapping')
    rejectUnknownKeys(performance, QA_KEYS, 'performance.')
    const config: QaPerformanceConfig = {
      defaults: readDefaults(
        {
          users: performance['default_users'],
          duration: performance['default_duration'],
          rampUp: performance['default_ramp_up'],
          errorBudget: performance['error_budget'],
        },
        {
          users: 'performance.default_users',
          duration: 'performance.default_duration',
          rampUp: 'performance.default_ramp_up',
          errorBudget: 'performance.error_budget',
        },
      ),
      metrics: readMetrics(performance['metrics']),
    }
    const tool = readTool(performance['tool'], 'performance.tool')
    if (tool !== undefined) config.tool = tool
    const thresholds = readThresholds(performance['thresholds'], 'performance.thresholds')
    if (thresholds !== undefined) config.thresholds = thresholds
    return config
  })
}

/** Reads config/qa.yaml; undefined when the file does not exist. */
export function readQaConfig(file: string): QaPerformanceConfig | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new InvalidConfigError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  return parseQaConfig(text, file)
}

/** Validates the options of `perf()` (and of the Jest reporter) before any test runs. */
export function validatePluginOptions(options: PerfPluginOptions): void {
  rejectUnknownKeys(requireObject(argument('options'), options), PLUGIN_KEYS)
  if (options.defaults !== undefined) {
    const defaults = requireObject(
      'defaults',
      options.defaults,
      'an object { users, duration, rampUp, errorBudget }',
    )
    rejectUnknownKeys(defaults, PLUGIN_DEFAULTS_KEYS, 'defaults.')
  }
  if (options.report !== undefined) {
    const report = requireObject(
      'report',
      options.report,
      'an object { json, html, junit, githubSummary, dir }',
    )
    rejectUnknownKeys(report, REPORT_KEYS, 'report.')
    const { githubSummary, dir } = options.report
    if (githubSummary !== undefined) requireBoolean('report.githubSummary', githubSummary)
    if (dir !== undefined) requireString('report.dir', dir, 'a folder path')
  }
  if (options.configFile !== undefined && options.configFile !== false) {
    requireString('configFile', options.configFile, 'a file path or false')
  }
  if (options.failOnThresholds !== undefined) requireBoolean('failOnThresholds', options.failOnThresholds)
  if (options.failOnInconclusive !== undefined) {
    requireBoolean('failOnInconclusive', options.failOnInconclusive)
  }
  if (options.baselineDir !== undefined) requireString('baselineDir', options.baselineDir, 'a folder path')
}

/** Where one report file goes: `true` → its default name in the report folder, a name → that, else false. */
function resolveReportFile(
  root: string,
  report: PerfReportOptions | undefined,
  format: keyof typeof DEFAULT_REPORT_FILES,
  enabled: boolean,
): string | false {
  const value = report?.[format] ?? enabled
  if (value === false) return false
  if (value !== true && (typeof value !== 'string' || value.length === 0)) {
    fail(`report.${format}`, 'true, false or a file name', value)
  }
  return path.resolve(root, report?.dir ?? '.', value === true ? DEFAULT_REPORT_FILES[format] : value)
}

/**
 * One config from config/qa.yaml (under `root`) and the plugin's options, later overriding earlier:
 * the file, then the plugin. Validates everything, so a typo fails before any test runs.
 */
export function resolvePerfConfig(root: string, options: PerfPluginOptions = {}): ResolvedPerfConfig {
  validatePluginOptions(options)
  const configFile =
    options.configFile === false ? undefined : path.resolve(root, options.configFile ?? 'config/qa.yaml')
  const file = configFile === undefined ? undefined : readQaConfig(configFile)
  const pluginDefaults = readDefaults(options.defaults ?? {}, {
    users: 'defaults.users',
    duration: 'defaults.duration',
    rampUp: 'defaults.rampUp',
    errorBudget: 'defaults.errorBudget',
  })
  const pluginThresholds = options.thresholds
  parseThresholds(pluginThresholds)
  const resolved: ResolvedPerfConfig = {
    root,
    defaults: { ...file?.defaults, ...pluginDefaults },
    metrics: file?.metrics ?? readMetrics(undefined),
    jsonReport: resolveReportFile(root, options.report, 'json', true),
    htmlReport: resolveReportFile(root, options.report, 'html', false),
    junitReport: resolveReportFile(root, options.report, 'junit', false),
    githubSummary: options.report?.githubSummary ?? true,
    failOnThresholds: options.failOnThresholds ?? true,
    failOnInconclusive: options.failOnInconclusive ?? false,
  }
  if (file !== undefined && configFile !== undefined) resolved.configFile = configFile
  const tool = readTool(options.tool, 'tool') ?? file?.tool
  if (tool !== undefined) resolved.tool = tool
  const thresholds = mergeThresholds(file?.thresholds, pluginThresholds)
  if (thresholds !== undefined) resolved.thresholds = thresholds
  if (options.baselineDir !== undefined) {
    resolved.baselineDir = path.resolve(root, options.baselineDir)
  }
  return resolved
}
