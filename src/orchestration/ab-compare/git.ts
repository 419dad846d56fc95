import { CompareSetupError } from '../../foundation/errors.ts'

/** The git state a comparison starts from. */
export interface HeadState {
  /** The repository's top folder. */
  root: string
  /** HEAD's commit. */
  commit: string
  /** Tracked files with uncommitted changes (staged or not), as `git status` names them. */
  changedFiles: string[]
}

async function git(cwd: string, args: readonly string[]) {
  // Loaded on first use, like spawn.ts's: the `perfspec` command imports this module for every run.
  const { execa } = await import('execa')
  const result = await execa('git', [...args], { cwd, reject: false, stdin: 'ignore' })
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new CompareSetupError('git', '`perfspec compare` needs git on the PATH, and found none')
  }
  const stdout = String(result.stdout ?? '')
  return {
    ok: result.exitCode === 0,
    raw: stdout,
    stdout: stdout.trim(),
    stderr: String(result.stderr ?? '').trim(),
  }
}

/** The repository of `cwd`, its HEAD, and what is uncommitted in it. */
export async function readHead(cwd: string): Promise<HeadState> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel'])
  if (!top.ok) {
    throw new CompareSetupError(
      'git',
      `${cwd} is not inside a git repository: \`perfspec compare\` measures a git ref against the working tree (${top.stderr})`,
    )
  }
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])
  if (!head.ok) {
    throw new CompareSetupError(
      'git',
      `The repository at ${top.stdout} has no commit yet: nothing to compare with`,
    )
  }
  // Untracked files are the runs' own output (reports, node_modules); tracked changes alter what is measured.
  // `XY path` entries: the status letters (a space where unchanged) are the first two characters, kept raw.
  const status = await git(top.stdout, ['status', '--porcelain', '-z', '--untracked-files=no'])
  const changedFiles = status.raw
    .split('\0')
    .filter((entry) => entry.length > 3 && /^[ MADRCTU?!]{2} /.test(entry))
    .map((entry) => entry.slice(3))
  return { root: top.stdout, commit: head.stdout, changedFiles }
}

/** The commit `ref` names, or a CompareSetupError that says why there is none. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  if (ref.trim() === '' || ref.startsWith('-')) {
    throw new CompareSetupError('ref', `\`--base\` needs a git ref (a branch, tag or commit), got '${ref}'`)
  }
  const found = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
  if (found.ok && found.stdout !== '') return found.stdout
  const shallow = await git(root, ['rev-parse', '--is-shallow-repository'])
  const hint =
    shallow.stdout === 'true'
      ? ' This clone is shallow: fetch the base first (`git fetch origin <branch>`, or `fetch-depth: 0` in actions/checkout).'
      : ''
  throw new CompareSetupError(
    'ref',
    `\`--base ${ref}\` names no commit in ${root}: use a branch, tag or commit it has (\`git branch -a\`).${hint}`,
  )
}

/** Checks out `commit` in a new, detached worktree at `dir` (which must not exist yet). */
export async function addWorktree(root: string, dir: string, commit: string): Promise<void> {
  const added = await git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit])
  if (!added.ok) {
    throw new CompareSetupError(
      'worktree',
      `git could not check out ${commit.slice(0, 12)} in ${dir}: ${added.stderr}`,
    )
  }
}

/** Short commit ids for messages. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7)
}
