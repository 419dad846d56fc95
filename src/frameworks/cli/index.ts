#!/usr/bin/env node
// `perfspec` on the command line: wires the process (argv, streams, SIGINT, exit code) to runCli.
import { readFileSync } from 'node:fs'
import { runCli } from './main.ts'

// dist/cli.mjs reads ../package.json; from src/frameworks/cli/ (tests through tsx) it is two levels up.
function readVersion(): string {
  for (const relative of ['../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'perfspec' && pkg.version !== undefined) return pkg.version
    } catch {}
  }
  return 'unknown'
}

const controller = new AbortController()
// The first Ctrl-C stops the load and shows what was measured; a second one leaves at once.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130)
  controller.abort()
})

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  version: readVersion(),
  cwd: process.cwd(),
})
process.exitCode = code
