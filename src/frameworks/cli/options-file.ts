import { open, stat } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { InvalidConfigError } from '../../foundation/errors.ts'
import type { LoadTestOptions } from '../../foundation/types.ts'
import { isRecord } from '../../options/validate.ts'

/** The largest options file read: far above any journey, far below what would exhaust memory. */
export const MAX_OPTIONS_FILE_BYTES = 1024 * 1024

function unreadable(file: string, reason: string): InvalidConfigError {
  return new InvalidConfigError(`Cannot read the options file ${file}: ${reason}`)
}

function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)
}

/**
 * Reads a run's options from a JSON or YAML file (YAML unless the name ends in `.json`): the same keys as
 * `loadTest`'s options, journeys included, minus what only code can hold (functions, signals). Validation
 * is `loadTest`'s own, after the command line's flags are laid over the file. Only a regular file of at
 * most 1 MiB is read: a device (/dev/zero), a pipe or a huge file is refused before reading it.
 */
export async function readOptionsFile(file: string): Promise<Partial<LoadTestOptions>> {
  // Looked at before opening it: opening a pipe waits for a writer.
  const before = await stat(file).catch((error: unknown) => {
    throw unreadable(file, reasonOf(error))
  })
  if (!before.isFile()) throw unreadable(file, 'not a regular file')
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw unreadable(file, reasonOf(error))
  })
  try {
    const { size } = await handle.stat()
    if (size > MAX_OPTIONS_FILE_BYTES) throw unreadable(file, `larger than 1 MiB (${size} bytes)`)
    // One byte more than the limit tells a file that grew since its size was read.
    const buffer = Buffer.alloc(MAX_OPTIONS_FILE_BYTES + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_OPTIONS_FILE_BYTES) throw unreadable(file, 'larger than 1 MiB')
    }
    return parseOptionsText(buffer.toString('utf8', 0, length), file)
  } finally {
    await handle.close()
  }
}

/** Parses the text of an options file. Pure. */
export function parseOptionsText(text: string, file: string): Partial<LoadTestOptions> {
  let value: unknown
  try {
    value = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new InvalidConfigError(
      `The options file ${file} is not valid ${path.extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    )
  }
  if (!isRecord(value))
    throw new InvalidConfigError(`The options file ${file} must hold an object of options`)
  return value as Partial<LoadTestOptions>
}
