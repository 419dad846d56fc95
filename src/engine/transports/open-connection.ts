import net from 'node:net'
import tls from 'node:tls'
import { InvalidResponseError, SocketClosedError } from '../classify-error.ts'
import type { ConnectionPolicy } from './fast-connection.ts'
import type { Target } from './fast-request.ts'

/** One read buffer for every plain connection of the thread: each read is parsed before the next one lands. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/**
 * Opens a connection of the engine's own HTTP/1.1 client to `target`: plain TCP is read through `onread`
 * into the thread's shared buffer (no readable stream, no Buffer per read); TLS through `node:tls` with the
 * run's policy. `receive` gets each read as `chunk[0, length)`; the chunk is reused after it returns.
 */
export function openConnection(
  target: Target,
  policy: ConnectionPolicy,
  receive: (chunk: Buffer, length: number) => void,
): net.Socket {
  if (target.tls) {
    const socket = tls.connect(policy.tls)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => receive(chunk, chunk.length))
    return socket
  }
  return net.connect({
    host: target.host,
    port: target.port,
    noDelay: true,
    onread: {
      buffer: READ_BUFFER,
      callback: (length: number, buffer: Uint8Array): boolean => {
        receive(buffer as Buffer, length)
        return true
      },
    },
  })
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
