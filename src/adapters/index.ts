import { TOOL_NAMES, type ToolName } from '../foundation/types.ts'
import { ApacheBenchAdapter } from './ab.ts'
import type { LoadAdapter } from './adapter.ts'
import { K6Adapter } from './k6.ts'
import { LocustAdapter } from './locust.ts'
import { NativeAdapter } from './native.ts'

/**
 * Every adapter by tool name. `satisfies` ties the registry to TOOL_NAMES: a tool without an adapter, an
 * adapter without a name, or one registered under another tool's name does not compile.
 */
const ADAPTERS = {
  native: () => new NativeAdapter(),
  k6: () => new K6Adapter(),
  ab: () => new ApacheBenchAdapter(),
  locust: () => new LocustAdapter(),
} as const satisfies { [Name in ToolName]: () => LoadAdapter & { readonly name: Name } }

export { chooseTool } from '../options/tool.ts'

/** A new adapter for the tool (binary paths come from the `binary` option or the tool's env variable). */
export function createAdapter(tool: ToolName): LoadAdapter {
  return ADAPTERS[tool]()
}

/** The tools that can run on this machine. */
export async function availableTools(): Promise<ToolName[]> {
  const available = await Promise.all(TOOL_NAMES.map((name) => createAdapter(name).isAvailable()))
  return TOOL_NAMES.filter((_, index) => available[index])
}
