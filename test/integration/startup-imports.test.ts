import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every native run pays for what `perfspec` and the engine worker import before their first line runs: the
// packages only an external tool, a report or a config file needs are imported when they are needed.
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))
const LAZY_PACKAGES = ['execa', 'yaml', 'undici']

// The build's own static imports: `import … from "./chunk.mjs"` (ESM) and top-level `require("./chunk.cjs")`
// (CJS; a lazy one is indented inside its function). Anything else is a package or a node: module.
const ESM_IMPORT = /^import\s(?:[^'"]*?\sfrom\s)?"([^"]+)";?$/gm
const CJS_REQUIRE = /^(?:const \w+ = |let \w+ = )?(?:require_chunk\.__toESM\()?require\("([^"]+)"\)/gm

/** The files and packages a build entry loads before it runs, following its static imports only. */
function staticClosure(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = []
  const packages = new Set<string>()
  const pattern = entry.endsWith('.cjs') ? CJS_REQUIRE : ESM_IMPORT
  const visit = (file: string): void => {
    if (files.includes(file)) return
    files.push(file)
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!))
      else packages.add(specifier!)
    }
  }
  visit(path.join(DIST, entry))
  return { files: files.map((file) => path.basename(file)), packages }
}

describe('what a native run imports at start-up', () => {
  for (const entry of ['index.mjs', 'engine-worker.mjs']) {
    it(`${entry} imports none of ${LAZY_PACKAGES.join(', ')} up front`, () => {
      const { packages } = staticClosure(entry)
      expect([...packages].filter((name) => LAZY_PACKAGES.includes(name))).toEqual([])
    })
  }

  it('the CommonJS index, which bundles execa, requires its code only when a tool is spawned', () => {
    const { files, packages } = staticClosure('index.cjs')
    // The bundler marks where each bundled package's modules begin.
    const bundledExeca = files.filter((file) =>
      readFileSync(path.join(DIST, file), 'utf8').includes('//#region node_modules/execa/'),
    )
    expect(bundledExeca).toEqual([])
    expect([...packages].filter((name) => LAZY_PACKAGES.includes(name))).toEqual([])
  })
})
