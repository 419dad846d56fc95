import { open } from 'node:fs/promises'
import { findExecutable, probeTool } from './spawn.ts'

/** What perfspec needs to know about an installed Locust. */
export interface LocustInstall {
  /** The version `locust --version` prints; empty for Debian's python3-locust 2.12.1. */
  reportedVersion: string
  /** The version to announce when the reported one is empty (from dpkg), else the reported one. */
  version: string
  /** The interpreter (and its arguments) from the script's `#!` line; undefined when it is not a Python script. */
  interpreter: string[] | undefined
}

const cache = new Map<string, Promise<LocustInstall>>()

/** The `#!` line of a Python script as an argument array, e.g. `['/usr/bin/python3']`. */
export async function readPythonShebang(file: string): Promise<string[] | undefined> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(256)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? ''
    if (!firstLine.startsWith('#!') || !/python/.test(firstLine)) return undefined
    return firstLine.slice(2).trim().split(/\s+/)
  } finally {
    await handle.close()
  }
}

async function debianVersion(): Promise<string | undefined> {
  const dpkg = await findExecutable('dpkg-query')
  if (dpkg === undefined) return undefined
  // dpkg-query's own format syntax, escaped so it is not a template placeholder.
  const output = await probeTool(dpkg, ['-W', `-f=\${Version}`, 'python3-locust'])
  // "2.12.1-1" → "2.12.1": the Debian revision is not Locust's.
  return output?.trim().replace(/-[^-]*$/, '') || undefined
}

async function inspect(file: string): Promise<LocustInstall> {
  const output = (await probeTool(file, ['--version'])) ?? ''
  const reportedVersion = /locust (\S*)/.exec(output)?.[1] ?? ''
  const version = reportedVersion || (await debianVersion()) || '0.0.0'
  return { reportedVersion, version, interpreter: await readPythonShebang(file) }
}

/** Inspects a Locust binary once per path. */
export function inspectLocust(file: string): Promise<LocustInstall> {
  let install = cache.get(file)
  if (install === undefined) {
    install = inspect(file)
    cache.set(file, install)
  }
  return install
}
