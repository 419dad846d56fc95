import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertUsersFitFdLimit, parseOpenFileLimit } from '../../src/adapters/fd-limit.ts'
import { createAdapter } from '../../src/adapters/index.ts'
import { isPerfError } from '../../src/foundation/errors.ts'
import type { LoadTestOptions, ToolName } from '../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../src/options/resolve.ts'
import { delayed, startServer, type TestServer } from '../helpers/servers.ts'

// Out of file descriptors (EMFILE) used to show as `other`. Before a run, users that cannot fit under the
// open-file limit are refused, naming `ulimit -n`; during a run, EMFILE is counted as `fd_exhausted`.
// The lowered limit lives in a child process (`sh -c 'ulimit -n N; exec node …'`), run against dist/.

const script = fileURLToPath(new URL('../fixtures/fd-limit/run.mjs', import.meta.url))
const entry = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url))
let server: TestServer

beforeAll(async () => {
  server = await startServer(delayed(5))
})
afterAll(() => server.close())

/** Whether `users` of a run fit under `limit` on `tool`, as the adapter declares its descriptors. */
function fits(
  tool: ToolName,
  options: Partial<LoadTestOptions>,
  limit: { soft: number; hard: number },
): () => void {
  const resolved = resolveLoadOptions({ url: 'http://127.0.0.1:9/', tool, ...options } as LoadTestOptions)
  return () => assertUsersFitFdLimit(createAdapter(tool), resolved, limit)
}

async function underLimit(limit: number, ...args: string[]): Promise<Record<string, unknown>> {
  const child = await execa(
    'sh',
    ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, script, entry, ...args],
    {
      reject: false,
      timeout: 30_000,
    },
  )
  if (child.exitCode !== 0) throw new Error(`child failed (${child.exitCode}): ${child.stderr}`)
  return JSON.parse(child.stdout) as Record<string, unknown>
}

describe('open-file limit', () => {
  it('parses /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 unlimited            files\n'
    expect(parseOpenFileLimit(limits)).toEqual({ soft: 1024, hard: Infinity })
    expect(parseOpenFileLimit('nothing here')).toBeUndefined()
  })

  it('refuses users beyond the limit with PERF_INVALID_OPTION naming `ulimit -n`; k6 goes by the hard limit', () => {
    const limit = { soft: 1024, hard: 1024 }
    for (const tool of ['native', 'ab', 'k6'] as const) {
      let caught: unknown
      try {
        fits(tool, { users: 2000 }, limit)()
      } catch (error) {
        caught = error
      }
      expect(isPerfError(caught, 'PERF_INVALID_OPTION')).toBe(true)
      expect((caught as Error).message).toMatch(/`ulimit -n (2048|4096)`/)
    }
    expect(fits('k6', { users: 2000 }, { soft: 1024, hard: 65536 })).not.toThrow()
    expect(fits('ab', { users: 100 }, limit)).not.toThrow()
  })

  it('counts Locust per worker process', () => {
    expect(fits('locust', { users: 1500, workers: 3 }, { soft: 1024, hard: 1024 })).not.toThrow()
    // Past the 10 000 that Locust raises its own limit to, where it may (12 000 is past the per-process cap).
    expect(fits('locust', { users: 10_000 }, { soft: 1024, hard: 1024 })).toThrow(/ulimit -n/)
    // `workers: 0` starts no worker process: one process holds every user (no division by zero).
    expect(fits('locust', { users: 500, workers: 0 }, { soft: 1024, hard: 1024 })).not.toThrow()
    expect(fits('locust', { users: 10_000, workers: 0 }, { soft: 1024, hard: 1024 })).toThrow(
      /needs about 10064 file descriptors.*`ulimit -n 16384`/,
    )
  })

  it('under `ulimit -n 256` in a child process: every engine refuses 10 000 users before sending anything', async () => {
    const before = server.count
    const outcomes = (await underLimit(256, 'refuse', server.url)) as Record<
      string,
      { code: string; message: string }
    >
    for (const tool of ['native', 'ab', 'k6']) {
      expect(outcomes[tool]?.code).toBe('PERF_INVALID_OPTION')
      expect(outcomes[tool]?.message).toContain('ulimit -n')
    }
    // Locust raises its own limit to 10 000 where it may, which 10 000 users and Locust's own descriptors still exceed.
    expect(outcomes.locust?.code).toBe('PERF_INVALID_OPTION')
    expect(server.count).toBe(before)
  })

  it.each(['undici', 'fast'])(
    'EMFILE during a run (%s transport) is counted as fd_exhausted, not other',
    async (transport) => {
      const { taken, metrics } = (await underLimit(128, 'exhaust', server.url, transport)) as {
        taken: number
        metrics: { errorsByType: Record<string, { count: number }>; failedRequests: number }
      }
      expect(taken).toBeGreaterThan(0)
      expect(metrics.errorsByType.fd_exhausted?.count).toBeGreaterThan(0)
      // Every failure of the run has its type: none is `other`.
      expect(metrics.errorsByType.fd_exhausted?.count).toBe(metrics.failedRequests)
      expect(metrics.errorsByType.other).toBeUndefined()
    },
  )
})
