import net from 'node:net'
import tls from 'node:tls'
import type { ResolvedRequest } from '../options/request.ts'

/** How ab must talk to the server, learned from one or two requests sent the way ab sends them. */
export interface AbFraming {
  /** Run with `-k`: the server either says `Connection: keep-alive` or closes after each response. */
  keepAlive: boolean
  /** Probe requests the server received (it counts them; ab's result does not). */
  probes: number
  /** The server closed before sending the body its `Content-Length` announced. */
  truncated?: { declaredBytes: number; receivedBytes: number }
  /**
   * Why ab cannot run against this server at all: it keeps HTTP/1.0 connections open without saying
   * `Connection: keep-alive`, so ab (which then reads a response until the server closes) waits forever.
   */
  unusable?: string
}

/** What one exchange saw. */
interface Exchange {
  status: number
  keepAliveEchoed: boolean
  /** The body ended where its framing said (Content-Length, chunked, or no body for HEAD/204/304). */
  complete: boolean
  closed: boolean
  declaredBytes: number | undefined
  receivedBytes: number
}

/** After a complete response without `Connection: keep-alive`, how long to wait for the server to close. */
const FIRST_LINGER_MS = 250
const SECOND_LINGER_MS = 2_000
const PROBE_LIMIT_MS = 5_000

/**
 * The request as ab writes it (HTTP/1.0, ab's default headers), with or without keep-alive. A GET (a HEAD
 * for HEAD runs) without the body: a probe must not repeat a POST's side effects, and servers frame a GET's
 * answer as they frame the others'.
 */
export function abProbeRequest(options: ResolvedRequest, keepAlive: boolean): Buffer {
  const { url } = options
  const method = options.method === 'HEAD' ? 'HEAD' : 'GET'
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.0`]
  const given = new Set(Object.keys(options.headers).map((name) => name.toLowerCase()))
  if (!given.has('host')) lines.push(`Host: ${url.host}`)
  if (!given.has('user-agent')) lines.push('User-Agent: ApacheBench/2.3')
  if (!given.has('accept')) lines.push('Accept: */*')
  if (keepAlive) lines.push('Connection: Keep-Alive')
  for (const [name, value] of Object.entries(options.headers)) {
    if (name.toLowerCase() !== 'content-type') lines.push(`${name}: ${value}`)
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

function headerOf(head: string, name: string): string | undefined {
  const match = new RegExp(`\\r\\n${name}:[ \\t]*([^\\r\\n]*)`, 'i').exec(head)
  return match?.[1]?.trim()
}

/** Reads one response (after any 1xx interim responses) and whether the server then closes. */
function exchange(
  options: ResolvedRequest,
  request: Buffer,
  lingerMs: number,
): Promise<Exchange | undefined> {
  const { url } = options
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve) => {
    const socket =
      url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? '' : host, rejectUnauthorized: false })
        : net.connect({ host, port })
    let data = Buffer.alloc(0)
    let seen: Omit<Exchange, 'closed' | 'complete' | 'receivedBytes'> | undefined
    let bodyStart = 0
    let chunked = false
    let linger: NodeJS.Timeout | undefined
    const finish = (result: Exchange | undefined): void => {
      clearTimeout(limit)
      clearTimeout(linger)
      socket.destroy()
      resolve(result)
    }
    const limit = setTimeout(
      () => finish(seen && snapshot(false)),
      Math.min(options.timeoutMs, PROBE_LIMIT_MS),
    )
    const received = (): number => data.length - bodyStart
    const bodyComplete = (): boolean => {
      if (seen === undefined) return false
      if (options.method === 'HEAD' || seen.status === 204 || seen.status === 304) return true
      if (chunked) {
        const body = data.subarray(bodyStart).toString('latin1')
        return body === '0\r\n\r\n' || body.endsWith('\r\n0\r\n\r\n')
      }
      return seen.declaredBytes !== undefined && received() >= seen.declaredBytes
    }
    const snapshot = (closed: boolean): Exchange | undefined =>
      seen && { ...seen, closed, complete: bodyComplete(), receivedBytes: received() }
    const parseHead = (): void => {
      let end = data.indexOf('\r\n\r\n')
      while (seen === undefined && end !== -1) {
        const head = data.subarray(0, end).toString('latin1')
        const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0)
        if (status >= 100 && status < 200 && status !== 101) {
          data = data.subarray(end + 4)
          end = data.indexOf('\r\n\r\n')
          continue
        }
        const length = headerOf(head, 'content-length')
        chunked = /chunked/i.test(headerOf(head, 'transfer-encoding') ?? '')
        seen = {
          status,
          keepAliveEchoed: /keep-alive/i.test(headerOf(head, 'connection') ?? ''),
          declaredBytes: length === undefined || chunked ? undefined : Number(length),
        }
        bodyStart = end + 4
      }
    }
    socket.on('error', () => finish(snapshot(true)))
    socket.on('end', () => finish(snapshot(true)))
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      parseHead()
      if (linger !== undefined || !bodyComplete()) return
      if (seen?.keepAliveEchoed) finish(snapshot(false))
      else linger = setTimeout(() => finish(snapshot(false)), lingerMs)
    })
    socket.write(request)
  })
}

/**
 * Asks the server once the way ab will (HTTP/1.0 with `Connection: Keep-Alive`) and, if it keeps the
 * connection without saying so, once more without keep-alive. Unreachable or silent servers give no
 * advice: ab runs with `-k` and reports what it meets.
 */
export async function probeAbFraming(options: ResolvedRequest): Promise<AbFraming> {
  const first = await exchange(options, abProbeRequest(options, true), FIRST_LINGER_MS)
  if (first === undefined) return { keepAlive: true, probes: 1 }
  const truncated =
    first.closed && !first.complete && first.declaredBytes !== undefined
      ? { declaredBytes: first.declaredBytes, receivedBytes: first.receivedBytes }
      : undefined
  const framing = (keepAlive: boolean, probes: number): AbFraming =>
    truncated === undefined ? { keepAlive, probes } : { keepAlive, probes, truncated }
  // Echoed, closed, or a response still going at the limit (a slow server): ab meets it with -k.
  if (first.closed || first.keepAliveEchoed || !first.complete) return framing(true, 1)
  const second = await exchange(options, abProbeRequest(options, false), SECOND_LINGER_MS)
  if (second?.closed) return framing(false, 2)
  return {
    keepAlive: false,
    probes: 2,
    unusable:
      'the server keeps HTTP/1.0 connections open without answering `Connection: keep-alive` (with or ' +
      'without it asked for), so ab cannot tell where a response ends and would wait for every one until ' +
      "its timeout; use tool 'native' or 'k6'",
  }
}
