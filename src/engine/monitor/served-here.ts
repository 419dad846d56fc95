import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs'

const LISTEN = '0A'
const CHUNK_BYTES = 4096

/** The port a URL is served on, its scheme's default when it names none. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** The socket inodes listening on `port` in the lines of a /proc/net/tcp or tcp6 table. Pure. */
export function listeningInodes(lines: readonly string[], port: number): string[] {
  const inodes: string[] = []
  for (const line of lines) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const fields = line.trim().split(/\s+/)
    const local = fields[1]
    if (fields[3] !== LISTEN || local === undefined || fields[9] === undefined) continue
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.push(fields[9])
  }
  return inodes
}

/**
 * The listening lines of a /proc/net/tcp table. The kernel lists listening sockets first, and writes the
 * table as it is read: reading stops at the first other line, so thousands of connections in TIME_WAIT
 * (a machine that runs load tests) cost nothing.
 */
function readListeningLines(file: string): string[] {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return []
  }
  const lines: string[] = []
  const chunk = Buffer.alloc(CHUNK_BYTES)
  let rest = ''
  let header = true
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null)
      if (read === 0) return lines
      const complete = (rest + chunk.toString('latin1', 0, read)).split('\n')
      rest = complete.pop() ?? ''
      for (const line of complete) {
        if (header) header = false
        else if (line.trim().split(/\s+/)[3] === LISTEN) lines.push(line)
        else return lines
      }
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Whether this process listens on the target's port (Linux /proc): then the app under test was started in
 * it, by the test. Undefined where /proc cannot tell. Read once, before a run.
 */
export function servedByThisProcess(url: URL): boolean | undefined {
  let fds: string[]
  try {
    fds = readdirSync('/proc/self/fd')
  } catch {
    return undefined
  }
  const port = portOf(url)
  const inodes = new Set([
    ...listeningInodes(readListeningLines('/proc/self/net/tcp'), port),
    ...listeningInodes(readListeningLines('/proc/self/net/tcp6'), port),
  ])
  if (inodes.size === 0) return false
  for (const fd of fds) {
    let link: string
    try {
      link = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue
    }
    // socket:[12345]
    if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return true
  }
  return false
}

/**
 * Whether the calling thread has a TCP server of its own (one that keeps its event loop alive): sockets
 * belong to the process, so this tells an app started on the test's thread from one in a worker thread.
 */
export function serverOnThisThread(): boolean {
  return process.getActiveResourcesInfo().includes('TCPServerWrap')
}
