import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code
}

function notAFolder(folder: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), {
    code: 'ENOTDIR',
    path: folder,
  })
}

/**
 * Creates `folder` and the parents it lacks, as `mkdir -p`, each at most once: Node's recursive mkdir never
 * returns where mkdir answers ENOENT under a parent that exists (/proc, /sys), so it is not used. Throws
 * the file system's error (ENOENT, ENOTDIR for a file in the way, EACCES, EROFS) naming the folder.
 */
export async function ensureDir(folder: string): Promise<void> {
  const missing: string[] = []
  let current = path.resolve(folder)
  for (;;) {
    let isFolder: boolean
    try {
      isFolder = (await stat(current)).isDirectory()
    } catch (error) {
      const parent = path.dirname(current)
      if (errnoCode(error) !== 'ENOENT' || parent === current) throw error
      missing.push(current)
      current = parent
      continue
    }
    if (!isFolder) throw notAFolder(current)
    break
  }
  for (const next of missing.reverse()) {
    try {
      await mkdir(next)
    } catch (error) {
      // Another process made it meanwhile: fine if it is a folder.
      if (errnoCode(error) !== 'EEXIST') throw error
      if (!(await stat(next)).isDirectory()) throw notAFolder(next)
    }
  }
}

/**
 * Writes a file so that a reader sees the old content or the new, never half of it: a temp file in the
 * same folder, then a rename (atomic on one file system).
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await ensureDir(path.dirname(file))
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temp, content)
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
