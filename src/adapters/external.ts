import type { ToolName } from '../foundation/types.ts'
import type { AdapterRun } from '../metrics/adapter-run.ts'
import type { ToolOptions } from '../options/tool.ts'
import type { LoadAdapter, ToolRunOptions } from './adapter.ts'
import type { FdNeeds } from './fd-limit.ts'
import { findExecutable, locateTool, probeTool, resolveBinary, type ToolSpec } from './spawn.ts'
import type { UnsupportedOptions } from './unsupported.ts'

/** What k6, ab and Locust adapters share: finding their binary and reading its version. */
export abstract class ExternalToolAdapter implements LoadAdapter {
  abstract readonly name: ToolName
  abstract readonly unsupported: UnsupportedOptions
  abstract readonly fds: FdNeeds
  protected abstract readonly spec: ToolSpec
  private readonly binary: string | undefined

  /** @param binary path of the tool; else its env variable (`PERFSPEC_K6`, …), else the command on PATH. */
  constructor(binary?: string) {
    this.binary = binary
  }

  async isAvailable(): Promise<boolean> {
    return (await this.find()) !== undefined
  }

  async version(): Promise<string | undefined> {
    const file = await this.find()
    return file === undefined ? undefined : this.readVersion(file)
  }

  /** Runs the tool: it reads every section of the run but the native engine's. */
  abstract run(options: ToolRunOptions): Promise<AdapterRun>

  /** The tool's version as its binary at `file` reports it. */
  protected abstract readVersion(file: string): Promise<string>

  /** The binary for a run (the `binary` option wins) or ToolNotFoundError. */
  protected locate(tool: ToolOptions): Promise<string> {
    return locateTool(this.spec, tool.binary ?? this.binary)
  }

  /** Runs `file args` and returns the first capture of `pattern` in its output, or 'unknown'. */
  protected async probeVersion(file: string, args: string[], pattern: RegExp): Promise<string> {
    const output = await probeTool(file, args)
    return pattern.exec(output ?? '')?.[1] ?? 'unknown'
  }

  private find(): Promise<string | undefined> {
    return findExecutable(resolveBinary(this.spec, this.binary))
  }
}
