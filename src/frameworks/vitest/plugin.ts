import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import { isCI } from '../../foundation/util/ci.ts'
import {
  type PerfPluginOptions,
  resolvePerfConfig,
  validatePluginOptions,
} from '../../orchestration/config.ts'
import type { BaselineUpdateMode } from '../../orchestration/context.ts'
import { PERF_TEST_TIMEOUT_MS, toWorkerConfig } from '../../orchestration/session/worker-config.ts'
import { isProgressLog } from './progress-channel.ts'
import { PerfReporter } from './reporter.ts'

// The setup file is built next to this file (dist/vitest/setup.mjs); from source it is setup.ts.
const SETUP_FILE = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './setup.ts' : './setup.mjs', import.meta.url),
)
const HIDES_PROGRESS = Symbol.for('perfspec:hides-progress')

type ConsoleLogFilter = (log: string, ...rest: unknown[]) => boolean | undefined

// Built-in reporters drop a console line when onConsoleLog returns false; the perfspec reporter still gets it.
function hideProgressLogs(vitest: Vitest): void {
  const config = vitest.config as unknown as { onConsoleLog?: ConsoleLogFilter & { [HIDES_PROGRESS]?: true } }
  if (config.onConsoleLog?.[HIDES_PROGRESS]) return
  const user = config.onConsoleLog
  const filter: ConsoleLogFilter & { [HIDES_PROGRESS]?: true } = (log, ...rest) =>
    isProgressLog(log) ? false : user?.(log, ...rest)
  filter[HIDES_PROGRESS] = true
  config.onConsoleLog = filter
}

/**
 * The perfspec Vitest plugin: `plugins: [perf()]`. Registers the matchers and the test-context hook (a setup
 * file), adds the perfspec reporter beside whatever reporters are configured, and hands every test the
 * config/qa.yaml + plugin defaults and thresholds.
 */
export function perf(options: PerfPluginOptions = {}): Plugin {
  validatePluginOptions(options)
  return {
    name: 'perfspec',
    // Vitest's default 5 s test timeout is shorter than most load runs: perf projects get a longer one,
    // unless the user set theirs (config or CLI; a run that cannot finish in it is refused up front).
    config: (user) => ({
      test: {
        setupFiles: [SETUP_FILE],
        ...((user as { test?: { testTimeout?: unknown } }).test?.testTimeout === undefined && {
          testTimeout: PERF_TEST_TIMEOUT_MS,
        }),
      },
    }),
    configureVitest({ vitest, project }) {
      const config = resolvePerfConfig(project.config.root, options)
      const progress = Boolean(process.stdout.isTTY) && !isCI()
      // Reporters are created after this hook, so an instance pushed here joins the CLI's or config's.
      const reporters = vitest.config.reporters as unknown[]
      if (!reporters.some((reporter) => reporter instanceof PerfReporter)) {
        const { jsonReport, htmlReport, junitReport, githubSummary, metrics } = config
        reporters.push(
          new PerfReporter({ jsonReport, htmlReport, junitReport, githubSummary, metrics, progress }),
        )
      }
      if (progress) hideProgressLogs(vitest)
      const update: BaselineUpdateMode = vitest.config.snapshotOptions.updateSnapshot
      const worker = toWorkerConfig(config, { update, progress })
      project.provide('perfspec', worker)
    },
  }
}
