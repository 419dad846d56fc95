import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RecordedResult } from '../../foundation/model/index.ts'
import type { PerfWorkerConfig } from '../../orchestration/session/worker-config.ts'

// Jest runs test files in worker processes and gives a reporter no per-test data slot. The reporter makes
// a folder and names it in this variable before the workers are spawned (they inherit it); each worker
// appends its results there, one JSON line per run, and the reporter reads them all at the end.
export const RESULTS_DIR_ENV = 'PERFSPEC_JEST_RESULTS_DIR'

const CONFIG_FILE = 'config.json'
const RESULTS_FILE = /^results-\d+\.jsonl$/

/** One result as a worker records it: joined to its test's status by `${testPath}::${fullName}`. */
export interface JestRunRecord extends RecordedResult {
  /** Absolute path of the test file. */
  testPath: string
  /** Jest's full test name (`describe test`), the same as its assertion result's `fullName`. */
  fullName: string
  /** How many earlier tests of the file had the same full name: joins same-named tests in order. */
  occurrence: number
  /** The worker process that ran it. */
  pid: number
}

/** A fresh results folder under the OS temp folder. */
export function createResultsDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'perfspec-jest-'))
}

export function removeResultsDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** The config every test file's setup reads: reporter options and config/qa.yaml, resolved once. */
export function writeWorkerConfig(dir: string, config: PerfWorkerConfig): void {
  writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify(config))
}

/** The worker config the reporter wrote, or undefined when there is none (no reporter, or a bad file). */
export function readWorkerConfig(dir: string): PerfWorkerConfig | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, CONFIG_FILE), 'utf8')) as PerfWorkerConfig
  } catch {
    return undefined
  }
}

/** Appends results to this process's own file: no two processes write one file. */
export function appendRecords(dir: string, records: readonly JestRunRecord[]): void {
  if (records.length === 0) return
  const lines = records.map((record) => `${JSON.stringify(record)}\n`).join('')
  appendFileSync(path.join(dir, `results-${process.pid}.jsonl`), lines)
}

/** Every result the workers recorded, file by file; a line cut short (a killed worker) is skipped. */
export function readRecords(dir: string): JestRunRecord[] {
  const records: JestRunRecord[] = []
  for (const name of listResultFiles(dir)) {
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line.length === 0) continue
      try {
        records.push(JSON.parse(line) as JestRunRecord)
      } catch {
        // An incomplete last line: the worker died while writing it.
      }
    }
  }
  return records
}

/** Removes the recorded runs (not the config), so a watch-mode rerun starts empty. */
export function clearRecords(dir: string): void {
  for (const name of listResultFiles(dir)) rmSync(path.join(dir, name), { force: true })
}

function listResultFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => RESULTS_FILE.test(name))
      .sort()
  } catch {
    return []
  }
}
