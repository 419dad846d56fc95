import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// The suite's load runs take a run lock of their own, not the machine's: its files run one at a time
// already (fileParallelism: false), and a wait for another process's run (another checkout's `npm test`, a
// CI neighbour) has no bound that a test's timeout or time bound could allow for. The e2e fixture projects
// inherit it; the tests of the lock itself set their own folder. A folder set by hand is kept.
export default function privateRunLock(): () => void {
  if (process.env.PERFSPEC_RUN_LOCK_DIR) return () => {}
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-suite-lock-'))
  process.env.PERFSPEC_RUN_LOCK_DIR = dir
  return () => rmSync(dir, { recursive: true, force: true })
}
