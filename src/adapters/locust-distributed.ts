import net from 'node:net'
import type { ToolRunOptions } from './adapter.ts'
import { deadlineFor } from './run-files.ts'
import { startTool, type ToolProcess, type ToolSpec } from './spawn.ts'

/** After the master has exited, how long its workers get to follow before they are killed. */
const WORKER_EXIT_GRACE_MS = 5_000
const EXPECT_WORKERS_MAX_WAIT_S = 30

/** How to start Locust: an executable, the arguments before Locust's own, and added environment. */
export interface LocustCommand {
  file: string
  prefix: string[]
  env: Record<string, string>
}

/**
 * How many worker processes a run starts: `workers` of 1 or more; undefined (a standalone run) without it or
 * with `workers: 0`, which means what it means on the native engine: no workers apart, the load runs in one
 * process.
 */
export function locustWorkerProcesses(tool: Pick<ToolRunOptions['tool'], 'workers'>): number | undefined {
  return tool.workers === undefined || tool.workers === 0 ? undefined : tool.workers
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * Locust's own distributed mode on this machine: one master (`--master --expect-workers N`) and N worker
 * processes. Workers on other machines can join through `masterBindHost`/`masterPort`. Every process is
 * gone when this settles, whether the run succeeded, failed or was aborted.
 */
export async function runDistributed(
  spec: ToolSpec,
  options: Pick<ToolRunOptions, 'request' | 'shape' | 'tool' | 'signal'>,
  workerCount: number,
  command: LocustCommand,
  args: string[],
  files: { locustfile: string; runDir: string },
): Promise<{ aborted: boolean }> {
  const { locustfile } = files
  const bindHost = options.tool.masterBindHost ?? '127.0.0.1'
  const port = options.tool.masterPort ?? (await freePort(bindHost))
  const connectHost = ['0.0.0.0', '*', '::'].includes(bindHost) ? '127.0.0.1' : bindHost
  const deadlineMs = deadlineFor(options.shape, options.request.timeoutMs) + EXPECT_WORKERS_MAX_WAIT_S * 1000
  const spawn = (extra: string[], signal?: AbortSignal): Promise<ToolProcess> =>
    startTool(
      {
        tool: 'locust',
        file: command.file,
        args: [...command.prefix, ...extra],
        env: command.env,
        runDir: files.runDir,
        signal,
        deadlineMs,
        stopSignal: 'SIGTERM',
      },
      spec,
    )
  const master = await spawn(
    [
      ...args,
      '--master',
      '--master-bind-host',
      bindHost,
      '--master-bind-port',
      String(port),
      '--expect-workers',
      String(workerCount),
      '--expect-workers-max-wait',
      String(EXPECT_WORKERS_MAX_WAIT_S),
    ],
    options.signal,
  )
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () =>
      spawn(['-f', locustfile, '--worker', '--master-host', connectHost, '--master-port', String(port)]),
    ),
  )
  let workerFailure: unknown
  for (const worker of workers) {
    worker.done.catch((error: unknown) => {
      workerFailure ??= error
      master.kill()
    })
  }
  try {
    const output = await master.done
    return { aborted: output.aborted }
  } catch (error) {
    throw workerFailure ?? error
  } finally {
    // Workers leave on the master's quit message; whatever is left after the grace period is killed.
    const settled = Promise.allSettled(workers.map((worker) => worker.done))
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, WORKER_EXIT_GRACE_MS).unref())])
    for (const worker of workers) worker.kill()
    await settled
  }
}
