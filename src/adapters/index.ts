import { UnsupportedOptionError } from '../errors.ts'
import type { ResolvedLoadOptions } from '../options.ts'
import type { ToolChoice, ToolName } from '../types.ts'
import { ApacheBenchAdapter } from './ab.ts'
import type { LoadAdapter } from './adapter.ts'
import { LocustAdapter } from './locust.ts'
import { NativeAdapter } from './native.ts'

/** Every adapter by tool name. */
const ADAPTERS: Partial<Record<ToolName, () => LoadAdapter>> = {
  native: () => new NativeAdapter(),
  ab: () => new ApacheBenchAdapter(),
  locust: () => new LocustAdapter(),
}

/** `'auto'` picks k6 when a `script` is given, Locust when a `locustfile` is given, else native. */
export function chooseTool(
  tool: ToolChoice,
  options: Pick<ResolvedLoadOptions, 'script' | 'locustfile'>,
): ToolName {
  if (tool !== 'auto') return tool
  if (options.script !== undefined) return 'k6'
  if (options.locustfile !== undefined) return 'locust'
  return 'native'
}

export function createAdapter(tool: ToolName): LoadAdapter {
  const create = ADAPTERS[tool]
  if (create === undefined)
    throw new UnsupportedOptionError(tool, 'tool', 'this adapter is not available yet')
  return create()
}

/** The tools that can run on this machine. */
export async function availableTools(): Promise<ToolName[]> {
  const names = Object.keys(ADAPTERS) as ToolName[]
  const available = await Promise.all(names.map((name) => createAdapter(name).isAvailable()))
  return names.filter((_, index) => available[index])
}
