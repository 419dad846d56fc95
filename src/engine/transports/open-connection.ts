import net from 'node:net'
import tls from 'node:tls'
import { InvalidResponseError, SocketClosedError } from '../classify-error.ts'
import type { ConnectionPolicy } from './connection-policy.ts'
import type { Target } from './fast-request.ts'

/** One read buffer for every plain connection of the thread: each read is parsed before the next one lands. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/** What the owner of a connection hears of it (made once per owner: nothing here is per request). */
export interface ConnectionEvents {
  /** True for the owner's current connection: events of one it already dropped don't concern it. */
  owns(socket: net.Socket): boolean
  /** Each read, as `chunk[0, length)`; the chunk is reused after it returns. */
  receive(chunk: Buffer, length: number): void
  /** The server sent FIN: the connection takes no more requests. */
  ended(): void
  /** The connection failed (`error`) or closed (null). */
  lost(error: Error | null): void
}

/**
 * Opens a connection of the engine's own HTTP/1.1 client to `target`: plain TCP is read through `onread`
 * into the thread's shared buffer (no readable stream, no Buffer per read); TLS through `node:tls` with the
 * run's policy.
 */
export function openConnection(
  target: Target,
  policy: ConnectionPolicy,
  events: ConnectionEvents,
): net.Socket {
  let socket: net.Socket
  if (target.tls) {
    socket = tls.connect(policy.tls)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => events.receive(chunk, chunk.length))
  } else {
    socket = net.connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (length: number, buffer: Uint8Array): boolean => {
          events.receive(buffer as Buffer, length)
          return true
        },
      },
    })
  }
  socket.on('error', (error) => {
    if (events.owns(socket)) events.lost(error)
  })
  socket.on('end', () => {
    if (events.owns(socket)) events.ended()
  })
  socket.on('close', () => {
    if (events.owns(socket)) events.lost(null)
  })
  return socket
}

/** The error of requests whose connection closed where `cut` says (see ResponseParser.finish). */
export function closedConnectionError(cut: 'head' | 'body' | 'none'): Error {
  if (cut === 'body') {
    return new InvalidResponseError(
      'the server closed the connection mid-body (shorter than its content-length or chunks)',
    )
  }
  return new SocketClosedError(cut === 'head')
}
