import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Worker threads, the e2e fixtures and the bench load dist/, not src/: a test run against a stale build
// would silently test old code. Rebuild when any source is newer than the build (or it is missing).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BUILD_MARKER = path.join(root, 'dist/engine-worker.mjs')
const BUILD_INPUTS = ['src', 'package.json', 'tsdown.config.ts']

function newestMtimeMs(target: string): number {
  const stats = statSync(target)
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtimeMs(path.join(target, entry)))
  return newest
}

function builtAtMs(): number | undefined {
  try {
    return statSync(BUILD_MARKER).mtimeMs
  } catch {
    return undefined
  }
}

export default function ensureFreshBuild(): void {
  const builtAt = builtAtMs()
  const sourcesAt = Math.max(...BUILD_INPUTS.map((input) => newestMtimeMs(path.join(root, input))))
  if (builtAt !== undefined && builtAt >= sourcesAt) return
  process.stderr.write(
    `perfspec tests: dist/ is ${builtAt === undefined ? 'missing' : 'older than src/'}, building…\n`,
  )
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  } catch (error) {
    throw new Error('perfspec tests need a fresh build of dist/ and `npm run build` failed (see above)', {
      cause: error,
    })
  }
}
