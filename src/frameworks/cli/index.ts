#!/usr/bin/env node
// `perfspec` on the command line: wires the process (argv, streams, SIGINT/SIGTERM, exit code) to runCli.
import { readFileSync } from 'node:fs'
import { EXIT_ON_SIGNAL, runCli } from './main.ts'

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
// Ctrl-C (SIGINT) and a CI runner's or container's stop (SIGTERM) stop the load and show what was measured,
// the signal's name as the abort reason (it picks the exit code); a second signal leaves at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(EXIT_ON_SIGNAL[signal])
    controller.abort(signal)
  })
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  version: readVersion(),
  cwd: process.cwd(),
})
process.exitCode = code
