import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { listeningInodes, portOf, servedByThisProcess } from '../../../../src/engine/monitor/served-here.ts'

const TABLE = [
  '   0: 0100007F:AF4B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 528585 1 0 100 0 0 10 0',
  '   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 400802 1 0 100 0 0 10 0',
  '   2: 0100007F:AF4B 0100007F:D2F0 06 00000000:00000000 03:00000F2A 00000000     0        0 0 3 0',
]

describe('listeningInodes', () => {
  it('finds the sockets listening on a port, whatever their address', () => {
    expect(listeningInodes(TABLE, 0xaf4b)).toEqual(['528585'])
    expect(listeningInodes(TABLE, 80)).toEqual(['400802'])
    expect(listeningInodes(TABLE, 81)).toEqual([])
  })
})

describe('portOf', () => {
  it('takes the URL’s port, else its scheme’s', () => {
    expect(portOf(new URL('http://127.0.0.1:8080/x'))).toBe(8080)
    expect(portOf(new URL('http://localhost/'))).toBe(80)
    expect(portOf(new URL('https://localhost/'))).toBe(443)
  })
})

describe.runIf(process.platform === 'linux')('servedByThisProcess', () => {
  it('is true for a port this process listens on, false once it no longer does', async () => {
    const server = http.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    expect(servedByThisProcess(url)).toBe(true)
    await new Promise((resolve) => server.close(resolve))
    expect(servedByThisProcess(url)).toBe(false)
  })
})
