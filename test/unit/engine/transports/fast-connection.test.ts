import type net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { connectionPolicyOf } from '../../../../src/engine/transports/connection-policy.ts'
import {
  FastConnection,
  type FastConnectionOwner,
} from '../../../../src/engine/transports/fast-connection.ts'
import { encodeRequest, targetOf } from '../../../../src/engine/transports/fast-request.ts'
import { resolveLoadOptions } from '../../../../src/options/resolve.ts'
import { type RawServer, startRawServer } from '../../../helpers/raw-server.ts'

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'

/** The smallest owner: one request at a time, each outcome noted, as the run's and journey users are. */
class Owner implements FastConnectionOwner {
  readonly connection: FastConnection
  readonly outcomes: string[] = []
  resent = 0
  resendable = true
  private inFlight = 0
  private status = 0
  private settled: (() => void) | null = null
  private readonly bytes: Buffer

  constructor(server: RawServer) {
    const options = resolveLoadOptions({ url: server.url })
    const target = targetOf(options.request.url)
    const policy = connectionPolicyOf(options.request, options.native, target)
    this.bytes = encodeRequest(options.request)
    const now = performance.now.bind(performance)
    this.connection = new FastConnection(target, policy, this, now, { maxHeadBytes: policy.maxHeadBytes })
  }

  /** Sends one request and waits for its outcome. */
  request(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.settled = resolve
    })
    this.inFlight = 1
    this.write()
    return done
  }

  get awaitsAnswer(): boolean {
    return this.inFlight > 0
  }

  onResponseHead(status: number): void {
    this.status = status
  }

  onResponseBody(): void {}

  onResponseEnd(keepAlive: boolean): void {
    this.inFlight = 0
    this.connection.responseEnded(keepAlive)
    this.settle(`status ${this.status}`)
  }

  writeWaiting(): void {}

  mayResend(): boolean {
    return this.resendable
  }

  resend(): void {
    this.resent++
    this.resendable = false
    this.write()
  }

  failInFlight(error: Error): void {
    this.inFlight = 0
    this.connection.drop()
    this.settle(error.name)
  }

  close(): void {
    this.connection.drop()
  }

  private write(): void {
    const now = performance.now()
    this.connection.socketToWrite(now, true).write(this.bytes)
    this.connection.lastActiveAt = now
  }

  private settle(outcome: string): void {
    this.outcomes.push(outcome)
    this.settled?.()
    this.settled = null
  }
}

/** A server that answers the first `answered` requests of each connection and closes it on the next one. */
function answeringThenClosing(answered: number): Promise<RawServer> {
  const seen = new WeakMap<net.Socket, number>()
  return startRawServer((socket) => {
    const count = (seen.get(socket) ?? 0) + 1
    seen.set(socket, count)
    if (count <= answered) socket.write(OK)
    else socket.destroy()
  })
}

describe('FastConnection: the fast transport connection the run users and journey users share', () => {
  let server: RawServer | undefined
  let owner: Owner | undefined
  afterEach(async () => {
    owner?.close()
    await server?.close()
  })

  it('keeps the connection alive from one request to the next', async () => {
    server = await answeringThenClosing(Number.POSITIVE_INFINITY)
    owner = new Owner(server)
    for (let i = 0; i < 3; i++) await owner.request()
    expect(owner.outcomes).toEqual(['status 200', 'status 200', 'status 200'])
    expect(server.connections).toBe(1)
  })

  it('sends a request once more on a new connection when the server closed a reused one under it', async () => {
    server = await answeringThenClosing(1)
    owner = new Owner(server)
    await owner.request()
    await owner.request()
    expect(owner.outcomes).toEqual(['status 200', 'status 200'])
    expect(owner.resent).toBe(1)
    expect(server.connections).toBe(2)
    expect(server.requests).toBe(3)
  })

  it('gives a new connection no second chance, nor a request its owner may not send again', async () => {
    server = await answeringThenClosing(0)
    owner = new Owner(server)
    await owner.request()
    expect(owner.outcomes).toEqual(['SocketClosedError'])
    await server.close()

    server = await answeringThenClosing(1)
    owner.close()
    owner = new Owner(server)
    owner.resendable = false
    await owner.request()
    await owner.request()
    expect(owner.outcomes).toEqual(['status 200', 'SocketClosedError'])
    expect(owner.resent).toBe(0)
    expect(server.connections).toBe(1)
  })
})
