import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import net from 'node:net'

/** A TCP server that speaks whatever (broken) HTTP the test wants. Counts connections and requests. */
export interface RawServer {
  url: string
  /** Request heads seen (a head ends with CRLF CRLF). */
  readonly requests: number
  /** Connections accepted. */
  readonly connections: number
  /** Every byte received, on every connection, in arrival order. */
  readonly bytes: Buffer
  close(): Promise<void>
}

/** `onRequest` is called for each request head that arrives on a socket. */
export async function startRawServer(onRequest: (socket: net.Socket) => void): Promise<RawServer> {
  let requests = 0
  let connections = 0
  const received: Buffer[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = ''
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      pending += chunk.toString('latin1')
      let end = pending.indexOf('\r\n\r\n')
      while (end !== -1) {
        pending = pending.slice(end + 4)
        requests++
        onRequest(socket)
        end = pending.indexOf('\r\n\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests
    },
    get connections() {
      return connections
    },
    get bytes() {
      return Buffer.concat(received)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Sockets, servers and child processes this process still holds (what must not outlive a test). */
export function openNetworkHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((name) => name === 'TCPSocketWrap' || name === 'TCPServerWrap' || name === 'ProcessWrap')
}

/** File descriptors of this process that are TCP sockets (IPv4 or IPv6), from /proc: none may outlive a run. */
export function openTcpSocketFds(): number {
  const tcpInodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9]
      if (inode !== undefined && inode !== '0') tcpInodes.add(inode)
    }
  }
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1]
      if (inode !== undefined && tcpInodes.has(inode)) count++
    } catch {
      // Closed while we looked.
    }
  }
  return count
}
