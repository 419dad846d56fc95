import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { isPerfError } from '../../../../src/foundation/errors.ts'
import { provideDependencies, reuseReason } from '../../../../src/orchestration/ab-compare/install.ts'

const LOCK = '{ "name": "app", "lockfileVersion": 3, "packages": { "": { "name": "app" } } }\n'

let dir: string
let head: string
let base: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'perfspec-install-'))
  head = path.join(dir, 'head')
  base = path.join(dir, 'base')
  for (const tree of [head, base]) {
    mkdirSync(tree)
    writeFileSync(path.join(tree, 'package.json'), '{ "name": "app" }\n')
    writeFileSync(path.join(tree, 'package-lock.json'), LOCK)
  }
  mkdirSync(path.join(head, 'node_modules'))
  writeFileSync(path.join(head, 'node_modules', 'marker'), 'head')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const request = (command?: string) => ({
  headRoot: head,
  baseRoot: base,
  headProjectDir: head,
  command,
  signal: new AbortController().signal,
  runDir: dir,
})

describe('provideDependencies', () => {
  test("an unchanged lockfile links the working tree's node_modules into the base", async () => {
    const said = await provideDependencies(request())
    expect(said).toBe(
      "base dependencies: the working tree's node_modules, linked (package-lock.json unchanged)",
    )
    const link = path.join(base, 'node_modules')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(realpathSync(link)).toBe(realpathSync(path.join(head, 'node_modules')))
    expect(readFileSync(path.join(link, 'marker'), 'utf8')).toBe('head')
  })

  test('--install runs its command in the base tree instead', async () => {
    const said = await provideDependencies(request('echo installed > installed.txt'))
    expect(said).toBe('base dependencies: `echo installed > installed.txt`')
    expect(readFileSync(path.join(base, 'installed.txt'), 'utf8')).toBe('installed\n')
    expect(existsSync(path.join(base, 'node_modules'))).toBe(false)
  })

  test('a failing install is a CompareSetupError (step install) with the end of its output', async () => {
    const failure = await provideDependencies(request('echo "ERR! no such package" >&2; exit 3')).catch(
      (error: unknown) => error,
    )
    expect(isPerfError(failure, 'PERF_COMPARE_SETUP')).toBe(true)
    expect(failure).toMatchObject({ step: 'install' })
    expect((failure as Error).message).toMatch(/exited with code 3[\s\S]*ERR! no such package/)
  })
})

describe('reuseReason', () => {
  test('says why the base needs its own install', () => {
    expect(reuseReason(head, base, 'package-lock.json')).toBeUndefined()
    writeFileSync(path.join(base, 'package-lock.json'), LOCK.replace('"app"', '"app2"'))
    expect(reuseReason(head, base, 'package-lock.json')).toBe('package-lock.json differs')
    const linked = LOCK.replace('"packages": {', '"packages": { "node_modules/lib": { "link": true },')
    for (const tree of [head, base]) writeFileSync(path.join(tree, 'package-lock.json'), linked)
    expect(reuseReason(head, base, 'package-lock.json')).toBe('package-lock.json links local packages')
    for (const tree of [head, base]) writeFileSync(path.join(tree, 'package-lock.json'), LOCK)
    writeFileSync(path.join(base, 'package.json'), '{ "name": "app", "workspaces": ["packages/*"] }\n')
    expect(reuseReason(head, base, 'package-lock.json')).toBe('package.json declares workspaces')
    rmSync(path.join(head, 'node_modules'), { recursive: true })
    expect(reuseReason(head, base, 'package-lock.json')).toBe('the working tree has no node_modules to reuse')
  })
})
