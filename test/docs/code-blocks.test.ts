import { describe, expect, test } from 'vitest'
import {
  anchorOf,
  commandsOf,
  extractCodeBlocks,
  fileNameOf,
  markerOf,
  problemWithCommand,
  relativeLinksOf,
} from './code-blocks.ts'

const FENCE = '```'
const markdown = [
  '# Title',
  `${FENCE}ts project=a,b`,
  '// test/x.test.ts: a spec',
  'const x = 1',
  FENCE,
  '- a list item:',
  `  ${FENCE}sh skip-test=long`,
  '  npm test && npm run lint   # comment',
  `  ${FENCE}`,
  `${FENCE}text`,
  'no marker [not a link](nowhere.md)',
  FENCE,
  'See [the docs](docs/a.md#part) and [the web](https://example.invalid).',
].join('\n')

describe('extractCodeBlocks', () => {
  const blocks = extractCodeBlocks(markdown)

  test('finds every fenced block, indented ones too, with its language, info and line', () => {
    expect(blocks.map(({ lang, info, line }) => ({ lang, info, line }))).toEqual([
      { lang: 'ts', info: 'project=a,b', line: 2 },
      { lang: 'sh', info: 'skip-test=long', line: 7 },
      { lang: 'text', info: '', line: 10 },
    ])
    expect(blocks[0]!.code).toBe('// test/x.test.ts: a spec\nconst x = 1\n')
  })

  test('reads the marker, and says why a block has none it knows', () => {
    expect(blocks.map(markerOf)).toEqual([
      { kind: 'project', projects: ['a', 'b'] },
      { kind: 'skip', reason: 'long' },
      expect.stringContaining('expected one marker'),
    ])
    expect(markerOf({ lang: 'ts', info: 'runn', code: '', line: 1 })).toBe('unknown marker `runn`')
    expect(markerOf({ lang: 'ts', info: 'check', code: '', line: 1 })).toEqual({ kind: 'check' })
  })

  test('names a project file by its first-line comment, and no file without one', () => {
    expect(fileNameOf(blocks[0]!)).toBe('test/x.test.ts')
    expect(fileNameOf({ lang: 'yaml', info: '', code: '# config/qa.yaml\na: 1\n', line: 1 })).toBe(
      'config/qa.yaml',
    )
    expect(fileNameOf({ lang: 'ts', info: '', code: 'const x = 1\n', line: 1 })).toBeUndefined()
  })
})

describe('commands of a shell block', () => {
  const world = {
    scripts: { test: 'vitest run', lint: 'biome check .' },
    exists: (file: string) => file === '.ci/run',
    installed: (name: string) => name === 'vitest',
  }

  test('split on && and lines, without comments', () => {
    expect(commandsOf('npm test && npm run lint   # comment\n\nbash .ci/run\n')).toEqual([
      ['npm', 'test'],
      ['npm', 'run', 'lint'],
      ['bash', '.ci/run'],
    ])
  })

  test('name only scripts, files and packages that exist', () => {
    const problem = (command: string) => problemWithCommand(command.split(' '), world)
    expect(
      ['npm install', 'npm test', 'npm run lint', 'bash .ci/run', 'npx vitest run'].map(problem),
    ).toEqual([undefined, undefined, undefined, undefined, undefined])
    expect(problem('npm run demo')).toBe('no `demo` script in package.json')
    expect(problem('bash .ci/gone')).toBe('no file .ci/gone')
    expect(problem('npx perfspec --help')).toBe('perfspec is not installed')
    expect(problem('curl example.com')).toBe('the docs test does not know the command `curl example.com`')
  })
})

describe('links and anchors', () => {
  test('relative links outside code blocks only', () => {
    expect(relativeLinksOf(markdown)).toEqual(['docs/a.md#part'])
  })

  test('anchors as GitHub makes them', () => {
    expect(anchorOf('Locust (`locust`)')).toBe('locust-locust')
    expect(anchorOf('Report files: HTML, JUnit, GitHub step summary')).toBe(
      'report-files-html-junit-github-step-summary',
    )
    expect(anchorOf('`loadTest(options)`')).toBe('loadtestoptions')
  })
})
