import { statSync } from 'node:fs'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { InvalidOptionError } from '../../foundation/errors.ts'

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts'])

/** Whether this Node loads TypeScript modules itself (type stripping: Node 22.6 behind a flag, 23.6 by default). */
function nodeLoadsTypeScript(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript)
}

/** The `file:` URL of an iteration module as given (a URL object or a `file:` URL string), else undefined. */
function fileUrlOf(value: unknown): URL | undefined {
  if (value instanceof URL) return value.protocol === 'file:' ? value : undefined
  if (typeof value !== 'string' || !value.startsWith('file:') || !URL.canParse(value)) return undefined
  return new URL(value)
}

/**
 * The href of the iteration module `value` names, checked as far as it can be without importing it: a
 * `file:` URL of a file that exists, and one this Node can load (a worker thread runs plain Node: no
 * TypeScript on Node 20). Whether its default export is a function is checked by importing it, before the run.
 */
export function resolveIterationModule(value: unknown): string {
  const url = fileUrlOf(value)
  if (url === undefined) {
    throw new InvalidOptionError(
      'iteration',
      `Expected the \`iteration\` option to be a function of the virtual user, or the \`file:\` URL of a module (new URL('./shopper.js', import.meta.url)), got ${
        value instanceof URL ? `the URL ${value.href}` : (JSON.stringify(value) ?? typeof value)
      }`,
    )
  }
  const path = fileURLToPath(url)
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new InvalidOptionError(
      'iteration',
      `The iteration module ${path} does not exist (or is not a file)`,
    )
  }
  if (TYPESCRIPT.has(extname(path)) && !nodeLoadsTypeScript()) {
    throw new InvalidOptionError(
      'iteration',
      `The iteration module ${path} is TypeScript, which Node ${process.version} cannot load: worker threads run plain Node ` +
        '(it strips types from Node 22.6 with --experimental-strip-types, and by default from 23.6). Compile it to ' +
        'JavaScript, or give the iteration as a function (it then runs in the calling thread)',
    )
  }
  return url.href
}
