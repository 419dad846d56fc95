import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CompareSetupError } from '../../foundation/errors.ts'
import { addWorktree, shortCommit } from './git.ts'

/** The base commit checked out beside the working tree, in a temp folder of its own. */
export interface BaseTree {
  /** The temp folder: the worktree (`tree/`) and each round's JSON report (`rounds/`). */
  dir: string
  /** The worktree's top folder. */
  root: string
  /** The project folder inside it: the same path below the top as the working tree's. */
  projectDir: string
  /** Where each round writes its JSON report. */
  roundsDir: string
  /** Removes the worktree and the temp folder. Synchronous, so an exit handler can run it; idempotent. */
  remove(): void
}

// Worktrees still on disk, removed should this process exit first (a second Ctrl-C, an uncaught error).
const live = new Set<BaseTree>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const tree of live) tree.remove()
  })
}

/**
 * Checks out `commit` as a detached git worktree in a fresh temp folder. `remove()` deletes the folder
 * (a `node_modules` link in it is unlinked, never followed) and prunes git's record of the worktree.
 */
export async function createBaseTree(
  repoRoot: string,
  projectDir: string,
  commit: string,
): Promise<BaseTree> {
  installExitHook()
  const dir = mkdtempSync(path.join(os.tmpdir(), `perfspec-compare-${shortCommit(commit)}-`))
  const root = path.join(dir, 'tree')
  const roundsDir = path.join(dir, 'rounds')
  mkdirSync(roundsDir)
  let removed = false
  const tree: BaseTree = {
    dir,
    root,
    projectDir: path.join(root, path.relative(repoRoot, projectDir)),
    roundsDir,
    remove() {
      if (removed) return
      removed = true
      live.delete(tree)
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
      try {
        execFileSync('git', ['worktree', 'prune'], { cwd: repoRoot, stdio: 'ignore' })
      } catch {
        // git prunes a worktree whose folder is gone by itself, later.
      }
    },
  }
  live.add(tree)
  try {
    await addWorktree(repoRoot, root, commit)
  } catch (error) {
    tree.remove()
    throw error
  }
  if (!existsSync(tree.projectDir)) {
    tree.remove()
    throw new CompareSetupError(
      'worktree',
      `The project folder ${path.relative(repoRoot, projectDir) || '.'} does not exist at ${shortCommit(commit)}: nothing to run there`,
    )
  }
  return tree
}
