import { type LoadTestOptions, TOOL_NAMES, type ToolChoice, type ToolName } from '../foundation/types.ts'
import { requireInteger, requireOneOf, requireString } from './validate.ts'

const TOOLS: readonly ToolChoice[] = ['auto', ...TOOL_NAMES]

/**
 * The tool section: which load generator runs (`'auto'` decided), and what only the external tools take:
 * a user's k6 `script` or `locustfile`, the tool's `binary`, Locust's distributed mode.
 */
export interface ToolOptions {
  /** The generator that runs: `tool`, or for `'auto'` k6 with a `script`, Locust with a `locustfile`, else native. */
  name: ToolName
  script: string | undefined
  locustfile: string | undefined
  /** Path of the external tool's binary. */
  binary: string | undefined
  /** `workers` of an external tool: Locust's worker processes (the others refuse it). */
  workers: number | undefined
  /** Locust distributed mode: where the master listens. */
  masterBindHost: string | undefined
  masterPort: number | undefined
}

/** Validates a `tool` option: 'auto' or a tool name. */
export function requireTool(value: unknown, option = 'tool'): ToolChoice {
  return requireOneOf(option, value, TOOLS)
}

/** `'auto'` picks k6 when a `script` is given, Locust when a `locustfile` is given, else native. */
export function chooseTool(
  tool: ToolChoice,
  files: { script: string | undefined; locustfile: string | undefined },
): ToolName {
  if (tool !== 'auto') return tool
  if (files.script !== undefined) return 'k6'
  if (files.locustfile !== undefined) return 'locust'
  return 'native'
}

/** Validates `tool`, `script`, `locustfile`, `binary`, `masterBindHost`, `masterPort`; `workers` was checked. */
export function resolveTool(options: LoadTestOptions, workers: number | undefined): ToolOptions {
  const choice = options.tool === undefined ? 'auto' : requireTool(options.tool)
  const script = options.script === undefined ? undefined : requireString('script', options.script)
  const locustfile =
    options.locustfile === undefined ? undefined : requireString('locustfile', options.locustfile)
  const name = chooseTool(choice, { script, locustfile })
  return {
    name,
    script,
    locustfile,
    binary: options.binary === undefined ? undefined : requireString('binary', options.binary),
    workers: name === 'native' ? undefined : workers,
    masterBindHost:
      options.masterBindHost === undefined
        ? undefined
        : requireString('masterBindHost', options.masterBindHost),
    masterPort:
      options.masterPort === undefined
        ? undefined
        : requireInteger('masterPort', options.masterPort, 1, 65_535),
  }
}
