import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { LoadAdapter } from '../../src/adapters/adapter.ts'

/** Tools that CI requires (`PERFSPEC_REQUIRE_TOOLS=ab,locust`): missing means failing, not skipping. */
export function requiredTools(): Set<string> {
  const list = process.env.PERFSPEC_REQUIRE_TOOLS ?? ''
  return new Set(
    list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
}

/**
 * `describe` when the adapter's tool is installed; otherwise `describe.skip` with the reason in its title,
 * or a failing test when the tool is listed in PERFSPEC_REQUIRE_TOOLS.
 */
export async function describeWithTool(adapter: LoadAdapter, title: string, body: () => void): Promise<void> {
  if (await adapter.isAvailable()) {
    describe(title, body)
    return
  }
  const tool = adapter.name
  if (requiredTools().has(tool)) {
    describe(title, () => {
      it(`${tool} is installed (PERFSPEC_REQUIRE_TOOLS lists it)`, () => {
        expect.fail(`${tool} is required by PERFSPEC_REQUIRE_TOOLS but was not found`)
      })
    })
    return
  }
  const envVar = `PERFSPEC_${tool.toUpperCase()}`
  describe.skip(`${title} (skipped: ${tool} not found on PATH or in ${envVar})`, body)
}

/** A process started by this one, read from /proc. */
export interface ChildProcessInfo {
  pid: number
  command: string
}

/** This process's live children (zombies excluded), from /proc: what a run must not leave behind. */
export function childProcesses(parentPid = process.pid): ChildProcessInfo[] {
  const children: ChildProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    // Fields after the parenthesised command: state, ppid, …
    const close = stat.lastIndexOf(')')
    const [state, ppid] = stat.slice(close + 2).split(' ')
    if (Number(ppid) !== parentPid || state === 'Z') continue
    const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim()
    children.push({ pid: Number(entry), command: cmdline })
  }
  return children
}

/** Resolves once `condition` holds, polling every 20 ms (bounded by the test's timeout). */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Local ports of `pid`'s TCP connections to 127.0.0.1:`remotePort`, from /proc (IPv4 only). */
export function connectionsTo(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>()
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
        if (inode !== undefined) inodes.add(inode)
      } catch {
        // The descriptor closed while we looked.
      }
    }
  } catch {
    return []
  }
  const ports: number[] = []
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const [local, remote, inode] = [fields[1], fields[2], fields[9]]
    if (local === undefined || remote === undefined || inode === undefined || !inodes.has(inode)) continue
    if (Number.parseInt(remote.split(':')[1] ?? '', 16) === remotePort) {
      ports.push(Number.parseInt(local.split(':')[1] ?? '', 16))
    }
  }
  return ports
}
