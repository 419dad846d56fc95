import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { findExecutable, startTool } from '../../adapters/spawn.ts'
import { CompareSetupError, isPerfError } from '../../foundation/errors.ts'

/** A lockfile, and the install that reproduces it exactly. */
interface LockfileKind {
  file: string
  command: readonly string[]
}

const LOCKFILES: readonly LockfileKind[] = [
  { file: 'package-lock.json', command: ['npm', 'ci', '--no-audit', '--no-fund'] },
  { file: 'npm-shrinkwrap.json', command: ['npm', 'ci', '--no-audit', '--no-fund'] },
  { file: 'pnpm-lock.yaml', command: ['pnpm', 'install', '--frozen-lockfile'] },
  { file: 'yarn.lock', command: ['yarn', 'install', '--frozen-lockfile'] },
  { file: 'bun.lock', command: ['bun', 'install', '--frozen-lockfile'] },
  { file: 'bun.lockb', command: ['bun', 'install', '--frozen-lockfile'] },
]
const NO_LOCKFILE: LockfileKind = {
  file: 'package.json',
  command: ['npm', 'install', '--no-audit', '--no-fund'],
}

// A package linked from inside the repository (a workspace, `file:` or `link:`) resolves, through a shared
// node_modules, to the working tree's code: the base would run the head's. Such trees get their own install.
const LOCAL_LINK = /"link":\s*true|\blink:|\bworkspace:|\bfile:/
const INSTALL_DEADLINE_MS = 30 * 60_000

export interface InstallRequest {
  /** The top folders of both trees. */
  headRoot: string
  baseRoot: string
  /** The project folder in the working tree; the base's is at the same path below its top. */
  headProjectDir: string
  /** A shell command to run in the base tree instead of the lockfile's install. */
  command?: string | undefined
  signal: AbortSignal
  /** The base's temp folder: removed by the tool watchdog should this process die mid-install. */
  runDir: string
}

/**
 * Gives the base tree its dependencies: the working tree's `node_modules`, linked, when the lockfile is
 * unchanged and links no local package; otherwise the lockfile's install (`npm ci`, `pnpm install
 * --frozen-lockfile`, …) or `command`. Returns one line saying which, for the report.
 */
export async function provideDependencies(request: InstallRequest): Promise<string> {
  const { headRoot, baseRoot, headProjectDir } = request
  const { dir: headLockDir, kind } = findLockfile(headProjectDir, headRoot)
  const below = path.relative(headRoot, headLockDir)
  const baseLockDir = path.join(baseRoot, below)
  const where = path.join(below, kind.file) || kind.file
  if (request.command === undefined) {
    const reused = reuseReason(headLockDir, baseLockDir, kind.file)
    if (reused === undefined) {
      linkNodeModules(headLockDir, baseLockDir)
      // A workspace package may keep a node_modules of its own beside the hoisted one.
      const projectBelow = path.relative(headRoot, headProjectDir)
      if (projectBelow !== below) linkNodeModules(headProjectDir, path.join(baseRoot, projectBelow))
      return `base dependencies: the working tree's node_modules, linked (${where} unchanged)`
    }
    await runInstall(kind.command, baseLockDir, request)
    return `base dependencies: \`${kind.command.join(' ')}\` (${reused})`
  }
  await runInstall(['sh', '-c', request.command], baseLockDir, request)
  return `base dependencies: \`${request.command}\``
}

/** The folder of the project's lockfile: the project folder or the nearest one above it, up to the top. */
function findLockfile(projectDir: string, root: string): { dir: string; kind: LockfileKind } {
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const kind = LOCKFILES.find((candidate) => existsSync(path.join(dir, candidate.file)))
    if (kind !== undefined) return { dir, kind }
    if (dir === root || path.dirname(dir) === dir) break
  }
  return { dir: projectDir, kind: NO_LOCKFILE }
}

/** Undefined when the base can use the working tree's node_modules; otherwise why it cannot. Exported for tests. */
export function reuseReason(headDir: string, baseDir: string, lockfile: string): string | undefined {
  if (!existsSync(path.join(headDir, 'node_modules'))) return 'the working tree has no node_modules to reuse'
  const head = readOrUndefined(path.join(headDir, lockfile))
  const base = readOrUndefined(path.join(baseDir, lockfile))
  if (base === undefined) return `the base has no ${lockfile}`
  if (head === undefined || !head.equals(base)) return `${lockfile} differs`
  if (LOCAL_LINK.test(head.toString('utf8'))) return `${lockfile} links local packages`
  const manifest = readOrUndefined(path.join(baseDir, 'package.json'))?.toString('utf8')
  if (manifest !== undefined && /"workspaces"\s*:/.test(manifest)) return 'package.json declares workspaces'
  if (existsSync(path.join(baseDir, 'pnpm-workspace.yaml'))) return 'pnpm-workspace.yaml declares workspaces'
  return undefined
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

/** Links `to/node_modules` to `from/node_modules` when the one exists and the other does not. */
function linkNodeModules(from: string, to: string): void {
  const source = path.join(from, 'node_modules')
  const target = path.join(to, 'node_modules')
  if (!existsSync(source) || existsSync(target) || !existsSync(to)) return
  // A junction on Windows needs no privilege; elsewhere the type is ignored.
  symlinkSync(source, target, 'junction')
}

async function runInstall(command: readonly string[], cwd: string, request: InstallRequest): Promise<void> {
  const [program = '', ...args] = command
  const file = await findExecutable(program)
  if (file === undefined) {
    throw new CompareSetupError(
      'install',
      `The base tree needs \`${command.join(' ')}\` and ${program} is not on the PATH: install it, or pass --install '<command>'`,
    )
  }
  try {
    // A non-zero exit is a ToolFailedError carrying the end of the install's output.
    const output = await (
      await startTool({
        tool: command.join(' '),
        file,
        args,
        cwd,
        signal: request.signal,
        deadlineMs: INSTALL_DEADLINE_MS,
        stopSignal: 'SIGTERM',
        runDir: request.runDir,
      })
    ).done
    if (output.aborted) request.signal.throwIfAborted()
  } catch (error) {
    request.signal.throwIfAborted()
    const detail = isPerfError(error) ? error.message : String(error)
    throw new CompareSetupError(
      'install',
      `Installing the base tree's dependencies failed in ${cwd}: ${detail}`,
      {
        cause: error,
      },
    )
  }
}
