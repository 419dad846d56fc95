import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { parseQaConfig } from '../../src/orchestration/config.ts'
import { anchorsOf, extractCodeBlocks, markerOf, relativeLinksOf, stripJsoncComments } from './code-blocks.ts'

// The README links into docs/ and the pages link into each other: a moved section or a renamed heading must
// not leave a dead link. Code blocks in docs/ are not run (most are fragments), but each says so.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const PAGES = [
  'README.md',
  ...readdirSync(path.join(REPO, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file)),
]
const read = (page: string) => readFileSync(path.join(REPO, page), 'utf8')

describe('relative links resolve to a file and, with #anchor, to one of its headings', () => {
  test.each(PAGES)('%s', (page) => {
    const dead = relativeLinksOf(read(page)).filter((link) => {
      const [file = '', anchor] = link.split('#', 2)
      const target = file === '' ? page : path.join(path.dirname(page), file)
      if (!existsSync(path.join(REPO, target))) return true
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor)
    })
    expect(dead).toEqual([])
  })
})

test("every docs/ page is in the index (docs/README.md) and in the README's reference", () => {
  const pages = PAGES.filter((page) => page.startsWith('docs/') && page !== 'docs/README.md')
  const index = relativeLinksOf(read('docs/README.md')).map((link) => path.join('docs', link.split('#')[0]!))
  const reference = relativeLinksOf(read('README.md')).map((link) => link.split('#')[0]!)
  expect(pages.filter((page) => !index.includes(page))).toEqual([])
  expect(pages.filter((page) => !reference.includes(page))).toEqual([])
})

describe('docs/ code blocks are marked, and `check` blocks parse', () => {
  const blocks = PAGES.filter((page) => page !== 'README.md').flatMap((page) =>
    extractCodeBlocks(read(page)).map((block) => [`${page}:${block.line}`, block] as const),
  )
  test.each(blocks)('%s', (_where, block) => {
    const marker = markerOf(block)
    expect(typeof marker === 'string' ? marker : marker.kind).toMatch(/^(illustrative|check)$/)
    if (typeof marker === 'string' || marker.kind !== 'check') return
    if (block.lang === 'yaml') {
      const document = parseYaml(block.code) as Record<string, unknown> | null
      if (document !== null && 'performance' in document) parseQaConfig(block.code)
    } else if (block.lang === 'json' || block.lang === 'jsonc') {
      expect(() => JSON.parse(stripJsoncComments(block.code))).not.toThrow()
    } else {
      throw new Error(
        `a \`check\` block in docs/ is yaml, json or jsonc, not ${block.lang}: run it from the README`,
      )
    }
  })
})
