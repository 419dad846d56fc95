import type { MachineInfo } from '../../foundation/model/index.ts'

/** What every report says about the run besides its results. */
export interface ReportMeta {
  machine: MachineInfo
  /** The test runner and its version, e.g. `vitest 4.1.12`. */
  runner: string
  /** When the report was made. @default now */
  now?: Date
  /**
   * When the run began. Given, a JSON report another process wrote into the same place since then (a run
   * sharing the report folder) has its results kept beside this run's; see `writeReports`.
   */
  startedAt?: Date
}

/** `vitest 4.1.12 · Intel Xeon (2 cores) · Node v20.20.2 · linux-x64` */
export function describeRunContext(meta: ReportMeta): string {
  const { machine } = meta
  return [
    meta.runner,
    `${machine.cpuModel} (${machine.cores} core${machine.cores === 1 ? '' : 's'})`,
    `Node ${machine.node}`,
    `${machine.platform}-${machine.arch}`,
  ].join(' · ')
}
