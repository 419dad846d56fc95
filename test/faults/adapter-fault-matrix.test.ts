import { afterEach, expect, it } from 'vitest'
import { ApacheBenchAdapter } from '../../src/adapters/ab.ts'
import { K6Adapter } from '../../src/adapters/k6.ts'
import { LocustAdapter } from '../../src/adapters/locust.ts'
import type { ErrorType } from '../../src/foundation/model/index.ts'
import type { LoadTestOptions, ToolName } from '../../src/foundation/types.ts'
import { loadTest } from '../../src/orchestration/load-test.ts'
import { faultServers } from '../helpers/fault-servers.ts'
import { unusedPort } from '../helpers/servers.ts'
import { childProcesses, describeWithTool } from '../helpers/tools.ts'

// The servers of the native fault matrix, against the external tools: each run ends in its bound, the
// result classifies the fault with the tool's vocabulary mapped onto ours, and no process survives.

const { http, raw, close: closeServer } = faultServers()
afterEach(async () => {
  await closeServer()
  expect(childProcesses()).toEqual([])
})

interface ToolFault {
  name: string
  target: () => Promise<string>
  /** Acceptable classifications: the tools see less than the native engine does. */
  expectTypes: ErrorType[]
  options?: Partial<LoadTestOptions>
}

const faults: ToolFault[] = [
  {
    name: 'connection refused',
    target: async () => `http://127.0.0.1:${await unusedPort()}/`,
    expectTypes: ['connection_refused', 'connection_reset'],
  },
  {
    name: 'a 5xx storm',
    target: async () =>
      (
        await http((_request, response) => {
          response.statusCode = 500
          response.end('boom')
        })
      ).url,
    expectTypes: ['http_5xx', 'unexpected_status'],
  },
  {
    name: 'reset before headers',
    target: async () => (await raw((socket) => socket.resetAndDestroy())).url,
    expectTypes: ['connection_reset', 'invalid_response', 'other'],
  },
]

function matrixFor(tool: ToolName, bound: Partial<LoadTestOptions>): () => void {
  return () => {
    it.each(faults)('$name: bounded, classified, no process left', { timeout: 60_000 }, async (fault) => {
      const url = await fault.target()
      const started = performance.now()
      const result = await loadTest({
        url,
        tool,
        users: 2,
        duration: '2s',
        timeout: '2s',
        ...bound,
        ...fault.options,
      })
      expect(performance.now() - started).toBeLessThan(30_000)
      expect(result.metrics.failedRequests).toBeGreaterThan(0)
      const types = Object.keys(result.metrics.errorsByType) as ErrorType[]
      expect(types.length).toBeGreaterThan(0)
      for (const type of types) expect(fault.expectTypes).toContain(type)
    })
  }
}

await describeWithTool(new ApacheBenchAdapter(), 'ab fault matrix', matrixFor('ab', { requests: 20 }))
await describeWithTool(new LocustAdapter(), 'Locust fault matrix', matrixFor('locust', {}))
await describeWithTool(new K6Adapter(), 'k6 fault matrix', matrixFor('k6', { requests: 20 }))
