import os from 'node:os'
import type { MachineInfo } from '../../foundation/model/index.ts'

export function describeMachine(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  }
}

/**
 * True when both were measured on the same kind of machine: the same CPU model, core count, platform and
 * architecture (the Node version aside). Latency, throughput and CPU time per request from two kinds of
 * machine differ by the machine as much as by the code.
 */
export function isSameHardware(recorded: MachineInfo, current: MachineInfo): boolean {
  return (
    recorded.cpuModel === current.cpuModel &&
    recorded.cores === current.cores &&
    recorded.platform === current.platform &&
    recorded.arch === current.arch
  )
}

/** Why numbers from `recorded` may not compare with numbers from `current`; empty when they do. */
export function describeMachineDifferences(recorded: MachineInfo, current: MachineInfo): string[] {
  const differences: string[] = []
  if (!isSameHardware(recorded, current)) {
    differences.push(
      `baseline recorded on another machine (${recorded.cpuModel}, ${recorded.cores} cores, ` +
        `${recorded.platform}-${recorded.arch}; this one: ${current.cpuModel}, ${current.cores} cores, ` +
        `${current.platform}-${current.arch})`,
    )
  }
  if (majorVersion(recorded.node) !== majorVersion(current.node)) {
    differences.push(`baseline recorded on Node ${recorded.node}, this run uses ${current.node}`)
  }
  return differences
}

function majorVersion(version: string): string {
  return /^v?(\d+)/.exec(version)?.[1] ?? version
}
