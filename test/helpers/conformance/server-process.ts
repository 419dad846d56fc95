import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A real HTTP server under test, on loopback, that counts the requests it has handled. */
export interface ConformanceServer {
  /** The root URL, ending in `/`. */
  url: string
  /** Requests the server handled (its own count: an access log or a counter it keeps). */
  served(): Promise<number>
  /** Requests by protocol (`HTTP/1.1`, `HTTP/2.0`), where the server's log says. */
  protocols?: () => Record<string, number>
  close(): Promise<void>
}

/** One kind of server: its name, what it needs installed, and how to start it. */
export interface ServerKind {
  name: string
  /** The binary or module it needs; undefined when it runs in this process. */
  requires?: string
  /** Why it cannot run here, or undefined when it can. */
  missing(): string | undefined
  /** Accepts POST with a body and answers it 200. */
  acceptsPost: boolean
  start(): Promise<ConformanceServer>
}

export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((path) => existsSync(path))
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Lines in a log file (an access log: one line per request handled). */
export function countLines(path: string): number {
  if (!existsSync(path)) return 0
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).length
}

/**
 * A server's count once it stopped moving: access logs are written just after the response went out, so
 * the last line can trail the client's last response by a moment.
 */
export async function settledCount(read: () => number | Promise<number>): Promise<number> {
  let last = await read()
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const next = await read()
    if (next === last && i >= 2) return next
    last = next
  }
  return last
}

/** Waits until a TCP connect to the port succeeds (the server listens), within `timeoutMs`. */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const { connect } = await import('node:net')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}: ${output()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
}

/** Starts a server process; `close` kills it (and waits for its exit). */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { child: ChildProcess; stdout: () => string; stop: () => Promise<void> } {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (data: Buffer) => {
    out += data.toString()
  })
  child.stderr?.on('data', (data: Buffer) => {
    out += data.toString()
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 3000).unref()
    })
  return { child, stdout: () => out, stop }
}

/** The port a child printed on its first stdout line (servers that bind port 0 and say which they got). */
export async function printedPort(child: ChildProcess, timeoutMs = 15_000): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(
      () => reject(new Error(`no port printed within ${timeoutMs} ms: ${text}`)),
      timeoutMs,
    )
    child.stdout?.on('data', (data: Buffer) => {
      text += data.toString()
      const match = /^(\d+)\s*$/m.exec(text)
      if (match !== null) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited with code ${code} before printing its port: ${text}`))
    })
  })
}

/** The count a server keeps, read from its `/__count` endpoint (which it does not count). */
export async function countEndpoint(url: string): Promise<number> {
  const response = await fetch(`${url}__count`)
  return Number(await response.text())
}
