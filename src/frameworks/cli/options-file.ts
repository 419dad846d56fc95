import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { InvalidConfigError } from '../../foundation/errors.ts'
import type { LoadTestOptions } from '../../foundation/types.ts'
import { isRecord } from '../../options/validate.ts'

/**
 * Reads a run's options from a JSON or YAML file (YAML unless the name ends in `.json`): the same keys as
 * `loadTest`'s options, journeys included, minus what only code can hold (functions, signals). Validation
 * is `loadTest`'s own, after the command line's flags are laid over the file.
 */
export async function readOptionsFile(file: string): Promise<Partial<LoadTestOptions>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)
    throw new InvalidConfigError(`Cannot read the options file ${file}: ${reason}`)
  }
  return parseOptionsText(text, file)
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
