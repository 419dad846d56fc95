/** Stable error codes. Match on `error.code`, not on messages. */
export type PerfErrorCode =
  | 'PERF_INVALID_OPTION'
  | 'PERF_INVALID_THRESHOLD'
  | 'PERF_INVALID_CONFIG'
  | 'PERF_TOOL_NOT_FOUND'
  | 'PERF_TOOL_FAILED'
  | 'PERF_TOOL_UNSUPPORTED_OPTION'
  | 'PERF_PARSE_ERROR'
  | 'PERF_BASELINE_ERROR'
  | 'PERF_CLIENT_CLOSED'
  | 'PERF_MATCHER_USAGE'
  | 'PERF_TEST_TIMEOUT_TOO_SHORT'
  | 'PERF_SETUP_TIMEOUT'
  | 'PERF_COMPARE_SETUP'

/** Base of every error perfspec throws. */
export class PerfError extends Error {
  readonly code: PerfErrorCode

  constructor(code: PerfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PerfError'
    this.code = code
  }
}

/** An option has the wrong type or value. Thrown before any request is sent. */
export class InvalidOptionError extends PerfError {
  override readonly code = 'PERF_INVALID_OPTION' as const
  /** The option's name, e.g. `users` or `headers.authorization`. */
  readonly option: string

  constructor(option: string, message: string) {
    super('PERF_INVALID_OPTION', message)
    this.name = 'InvalidOptionError'
    this.option = option
  }
}

/** A threshold has an unknown key or an expression that does not parse. */
export class InvalidThresholdError extends PerfError {
  override readonly code = 'PERF_INVALID_THRESHOLD' as const

  constructor(message: string) {
    super('PERF_INVALID_THRESHOLD', message)
    this.name = 'InvalidThresholdError'
  }
}

/** A configuration file (config/qa.yaml) is malformed. */
export class InvalidConfigError extends PerfError {
  override readonly code = 'PERF_INVALID_CONFIG' as const

  constructor(message: string, options?: { cause?: unknown }) {
    super('PERF_INVALID_CONFIG', message, options)
    this.name = 'InvalidConfigError'
  }
}

/** An external tool (k6, ab, locust) is not installed or not at the given path. */
export class ToolNotFoundError extends PerfError {
  override readonly code = 'PERF_TOOL_NOT_FOUND' as const
  readonly tool: string
  readonly installHint: string

  constructor(tool: string, binary: string, installHint: string) {
    super('PERF_TOOL_NOT_FOUND', `${tool} not found (looked for \`${binary}\`). Install it: ${installHint}`)
    this.name = 'ToolNotFoundError'
    this.tool = tool
    this.installHint = installHint
  }
}

/** An external tool exited with an error. */
export class ToolFailedError extends PerfError {
  override readonly code = 'PERF_TOOL_FAILED' as const
  readonly tool: string
  readonly exitCode: number | undefined
  readonly signal: string | undefined
  readonly stderrTail: string

  constructor(
    tool: string,
    details: {
      exitCode?: number | undefined
      signal?: string | undefined
      stderrTail: string
      reason?: string
    },
  ) {
    const how =
      details.reason ??
      (details.signal ? `was killed by ${details.signal}` : `exited with code ${details.exitCode}`)
    super('PERF_TOOL_FAILED', `${tool} ${how}${details.stderrTail ? `:\n${details.stderrTail}` : ''}`)
    this.name = 'ToolFailedError'
    this.tool = tool
    this.exitCode = details.exitCode
    this.signal = details.signal
    this.stderrTail = details.stderrTail
  }
}

/** The chosen tool cannot do what the options ask (e.g. ab has no ramp-up). */
export class UnsupportedOptionError extends PerfError {
  override readonly code = 'PERF_TOOL_UNSUPPORTED_OPTION' as const
  readonly tool: string
  readonly option: string

  constructor(tool: string, option: string, why: string) {
    super('PERF_TOOL_UNSUPPORTED_OPTION', `${tool} does not support \`${option}\`: ${why}`)
    this.name = 'UnsupportedOptionError'
    this.tool = tool
    this.option = option
  }
}

/** A tool's output could not be read. */
export class ParseError extends PerfError {
  override readonly code = 'PERF_PARSE_ERROR' as const

  constructor(message: string, options?: { cause?: unknown }) {
    super('PERF_PARSE_ERROR', message, options)
    this.name = 'ParseError'
  }
}

/** A baseline file is missing (under CI) or corrupt. */
export class BaselineError extends PerfError {
  override readonly code = 'PERF_BASELINE_ERROR' as const

  constructor(message: string, options?: { cause?: unknown }) {
    super('PERF_BASELINE_ERROR', message, options)
    this.name = 'BaselineError'
  }
}

/** The PerformanceClient was used after `close()`. */
export class ClientClosedError extends PerfError {
  override readonly code = 'PERF_CLIENT_CLOSED' as const

  constructor() {
    super('PERF_CLIENT_CLOSED', 'This PerformanceClient is closed; create a new one.')
    this.name = 'ClientClosedError'
  }
}

/**
 * A matcher was used wrongly: a received value that is no perfspec result (a forgotten `await`), or a
 * bad argument or option. Not a failed expectation: `.not` does not turn it into a pass.
 */
export class MatcherUsageError extends PerfError {
  override readonly code = 'PERF_MATCHER_USAGE' as const
  /** The matcher's name, e.g. `toHaveP95Below`. */
  readonly matcher: string

  constructor(matcher: string, message: string, options?: { cause?: unknown }) {
    super('PERF_MATCHER_USAGE', message, options)
    this.name = 'MatcherUsageError'
    this.matcher = matcher
  }
}

/** A run cannot finish within the time its test has left. Thrown before any request is sent. */
export class TestTimeoutTooShortError extends PerfError {
  override readonly code = 'PERF_TEST_TIMEOUT_TOO_SHORT' as const
  /** How long the run would take. */
  readonly durationMs: number
  /** The test's timeout. */
  readonly testTimeoutMs: number
  /** What was left of it when the run was about to start. */
  readonly remainingMs: number

  constructor(details: {
    durationMs: number
    testTimeoutMs: number
    remainingMs: number
    howToRaise: string
    /** How long the run waited for another load run on this machine first. */
    waitedMs?: number
  }) {
    const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`
    const { durationMs, testTimeoutMs, remainingMs, waitedMs = 0 } = details
    const waited = waitedMs > 0 ? ` after waiting ${seconds(waitedMs)} for another perfspec load run` : ''
    const left =
      testTimeoutMs - remainingMs >= 100 ? `, ${seconds(Math.max(0, remainingMs))} of it left${waited}` : ''
    super(
      'PERF_TEST_TIMEOUT_TOO_SHORT',
      `This ${seconds(durationMs)} load run cannot finish within its test's ${seconds(testTimeoutMs)} timeout${left}, ` +
        `so nothing was sent. Raise the timeout: ${details.howToRaise} — or shorten \`duration\`.`,
    )
    this.name = 'TestTimeoutTooShortError'
    this.durationMs = durationMs
    this.testTimeoutMs = testTimeoutMs
    this.remainingMs = remainingMs
  }
}

/** A journey's `setup` did not finish within `setupTimeout`. Nothing was sent. */
export class SetupTimeoutError extends PerfError {
  override readonly code = 'PERF_SETUP_TIMEOUT' as const
  /** The `setupTimeout` it ran out of. */
  readonly timeoutMs: number

  constructor(timeoutMs: number) {
    super(
      'PERF_SETUP_TIMEOUT',
      `\`setup\` did not finish within ${timeoutMs} ms (\`setupTimeout\`), so no load was sent. Find what it ` +
        'waits for, or raise `setupTimeout`; stop its work when the signal it is given aborts.',
    )
    this.name = 'SetupTimeoutError'
    this.timeoutMs = timeoutMs
  }
}

/** What `perfspec compare` was setting up when it failed. */
export type CompareSetupStep = 'git' | 'ref' | 'dirty-tree' | 'worktree' | 'install' | 'runner' | 'results'

/**
 * `perfspec compare` could not set up its comparison: not a git repository, a ref that names no commit,
 * uncommitted changes, a worktree git would not make, an install that failed, no test runner, no results.
 * No round was judged.
 */
export class CompareSetupError extends PerfError {
  override readonly code = 'PERF_COMPARE_SETUP' as const
  readonly step: CompareSetupStep

  constructor(step: CompareSetupStep, message: string, options?: { cause?: unknown }) {
    super('PERF_COMPARE_SETUP', message, options)
    this.name = 'CompareSetupError'
    this.step = step
  }
}

/** True for any error perfspec threw; narrows on `code` when given. */
export function isPerfError<C extends PerfErrorCode>(
  error: unknown,
  code?: C,
): error is PerfError & { code: C } {
  return error instanceof PerfError && (code === undefined || error.code === code)
}
