import type net from 'node:net'
import type { Dispatcher } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { classifyError } from '../../../../src/engine/classify-error.ts'
import { undiciClientOptions } from '../../../../src/engine/transports/undici-client-options.ts'
import { UndiciConnection } from '../../../../src/engine/transports/undici-connection.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { type RawServer, startRawServer } from '../../../helpers/raw-server.ts'

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

/** The smallest owner: one request at a time, sent once more when the connection allows it. */
class Owner implements Dispatcher.DispatchHandler {
  readonly connection: UndiciConnection
  readonly outcomes: string[] = []
  resent = 0
  private status = 0
  private request: Dispatcher.DispatchOptions | null = null
  private settled: (() => void) | null = null

  constructor(server: RawServer) {
    const options = resolveLoadOptions({ url: server.url })
    const limits = { pipelining: 1, maxHeaderSize: options.native.maxHeaderSize, timeoutMs: 5000 }
    this.connection = new UndiciConnection(
      options.request.url.origin,
      undiciClientOptions(options.request, limits, () => false),
    )
  }

  send(method: string): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.settled = resolve
    })
    this.status = 0
    this.request = { path: '/', method, headers: {}, body: method === 'POST' ? 'x' : null }
    this.connection.dispatch(this.request, this)
    return done
  }

  onConnect(): void {}
  onUpgrade(): void {}
  onBodySent(): void {}

  onHeaders(status: number): boolean {
    this.status = status
    return true
  }

  onData(): boolean {
    return true
  }

  onComplete(): void {
    this.connection.responded()
    this.settle(`status ${this.status}`)
  }

  onError(error: Error): void {
    const idempotent = this.request!.method !== 'POST'
    if (this.resent === 0 && this.connection.mayResend(idempotent, this.status, error)) {
      this.resent++
      this.connection.resend(this.request!, this)
      return
    }
    this.settle(classifyError(this.connection.failure(error, this.status, false)))
  }

  private settle(outcome: string): void {
    this.outcomes.push(outcome)
    this.settled?.()
    this.settled = null
  }
}

/** A server that answers the first request of each connection and closes it on the next one. */
function answeringOnce(): Promise<RawServer> {
  const seen = new WeakSet<net.Socket>()
  return startRawServer((socket) => {
    if (seen.has(socket)) socket.destroy()
    else {
      seen.add(socket)
      socket.write(OK)
    }
  })
}

describe('UndiciConnection: the undici connection the run users and journey users share', () => {
  let server: RawServer | undefined
  let owner: Owner | undefined
  afterEach(async () => {
    owner?.connection.drop()
    await server?.close()
  })

  it('lets an idempotent request the server closed a kept-alive connection under go out once more', async () => {
    server = await answeringOnce()
    owner = new Owner(server)
    await owner.send('GET')
    await owner.send('GET')
    expect(owner.outcomes).toEqual(['status 200', 'status 200'])
    expect(owner.resent).toBe(1)
    expect(server.connections).toBe(2)
  })

  it('counts a POST lost the same way as the engine classifies it, without sending it again', async () => {
    server = await answeringOnce()
    owner = new Owner(server)
    await owner.send('GET')
    await owner.send('POST')
    expect(owner.outcomes).toEqual(['status 200', 'connection_reset'])
    expect(owner.resent).toBe(0)
    expect(server.connections).toBe(1)
  })
})
