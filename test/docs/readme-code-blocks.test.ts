import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { parseQaConfig } from '../../src/orchestration/config.ts'
import { runJest } from '../e2e/jest-run-fixture.ts'
import { runVitest } from '../e2e/run-fixture.ts'
import {
  type CodeBlock,
  commandsOf,
  extractCodeBlocks,
  fileNameOf,
  markerOf,
  problemWithCommand,
  stripJsoncComments,
} from './code-blocks.ts'

// Every code block of the README runs here, so the docs cannot drift from the code. Blocks marked
// `project=NAME` are written into scratch projects (each with its own package.json and perfspec linked into
// its node_modules, as an installed package would be) and run with the command the README gives, on the
// repo's Vitest or Jest with their default settings; every `ts` file is type-checked with tsc.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8')
const BLOCKS = extractCodeBlocks(README)
const PACKAGE = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  name: string
  scripts: Record<string, string>
  bin?: Record<string, string>
}

/** Why a `skip-test=REASON` block is not run. A new reason needs a line here. */
const SKIP_REASONS: Record<string, string> = {
  installs: 'installs packages from the registry; the suite runs on the shared install, offline',
  long: 'runs for minutes (the whole suite, the benchmark or CI); the suite cannot run itself',
}

interface Project {
  name: string
  files: Map<string, string>
  command?: string[]
}

function where(block: CodeBlock): string {
  return `README.md:${block.line} (\`\`\`${block.lang} ${block.info})`
}

function collectProjects(): Map<string, Project> {
  const projects = new Map<string, Project>()
  for (const block of BLOCKS) {
    const marker = markerOf(block)
    if (typeof marker === 'string' || marker.kind !== 'project') continue
    for (const name of marker.projects) {
      const project = projects.get(name) ?? { name, files: new Map<string, string>() }
      projects.set(name, project)
      if (block.lang === 'sh') {
        if (project.command !== undefined)
          throw new Error(`${where(block)}: project ${name} has two commands`)
        const commands = commandsOf(block.code)
        if (commands.length !== 1) throw new Error(`${where(block)}: a project's command is one line`)
        project.command = commands[0]!
        continue
      }
      const file = fileNameOf(block)
      if (file === undefined) throw new Error(`${where(block)}: name the file in a first-line comment`)
      if (project.files.has(file)) throw new Error(`${where(block)}: ${name} already has ${file}`)
      project.files.set(file, block.code)
    }
  }
  return projects
}

const PROJECTS = collectProjects()
const usesJest = (project: Project) => project.command?.[1] === 'jest'
const specsOf = (project: Project) =>
  [...project.files.keys()].filter((file) => /\.(test|spec)\.[cm]?[jt]s$/.test(file))

// The column header of the sample table in "Reading the report": the reporter must print the same columns.
const normalized = (text: string) => text.replace(/[ \t]+/g, ' ')
const TABLE_HEADER = normalized(
  BLOCKS.find((block) => block.lang === 'text' && block.code.includes(' PERF '))
    ?.code.split('\n')
    .find((line) => line.trim().startsWith('tool')) ?? 'the README shows no sample table',
).trim()

const installed = (name: string) =>
  existsSync(path.join(REPO, 'node_modules', name, 'package.json')) ||
  (name === PACKAGE.name && PACKAGE.bin !== undefined)
const world = {
  scripts: PACKAGE.scripts,
  exists: (file: string) => existsSync(path.join(REPO, file)),
  installed,
}

describe('every README code block says how it is tested', () => {
  test.each(BLOCKS.map((block) => [where(block), block] as const))('%s', (_where, block) => {
    const marker = markerOf(block)
    expect(typeof marker === 'string' ? marker : 'marked').toBe('marked')
    if (typeof marker === 'string') return
    if (marker.kind === 'skip') expect(Object.keys(SKIP_REASONS)).toContain(marker.reason)
    if (marker.kind === 'run' || marker.kind === 'skip') expect(block.lang).toBe('sh')
  })
})

describe('skipped commands name what exists', () => {
  const skipped = BLOCKS.filter((block) => {
    const marker = markerOf(block)
    return typeof marker !== 'string' && marker.kind === 'skip'
  })
  test.each(skipped.map((block) => [where(block), block] as const))('%s', (_where, block) => {
    const problems = commandsOf(block.code).map((words) => problemWithCommand(words, world))
    expect(problems.filter((problem) => problem !== undefined)).toEqual([])
  })
})

describe('`check` and `run` blocks', () => {
  const blocks = BLOCKS.filter((block) => {
    const marker = markerOf(block)
    return typeof marker !== 'string' && (marker.kind === 'check' || marker.kind === 'run')
  })
  const title = blocks.length === 0 ? 'pass (skipped: the README has none)' : 'pass'
  test.skipIf(blocks.length === 0)(title, async () => {
    for (const block of blocks) await checkOrRun(block)
  })
})

/** Parses a `check` block (ts ones are type-checked with the projects) or runs a `run` block's commands. */
async function checkOrRun(block: CodeBlock): Promise<void> {
  if (block.lang === 'sh') {
    for (const words of commandsOf(block.code)) {
      // npx never installs here: a command the README shows must run on what is installed.
      const [program, ...args] = words[0] === 'npx' ? ['npx', '--no-install', ...words.slice(1)] : words
      const run = await execa(program!, args, {
        cwd: REPO,
        reject: false,
        timeout: 30_000,
        all: true,
      })
      expect(run.exitCode, `${where(block)}: ${words.join(' ')}\n${run.all}`).toBe(0)
    }
  } else if (block.lang === 'yaml') {
    const document = parseYaml(block.code) as Record<string, unknown> | null
    if (document !== null && 'performance' in document) parseQaConfig(block.code)
  } else if (block.lang === 'json' || block.lang === 'jsonc') {
    JSON.parse(stripJsoncComments(block.code))
  }
}

describe('README projects pass as written', () => {
  let scratch: string
  beforeAll(async () => {
    await mkdir(path.join(REPO, 'test-output'), { recursive: true })
    scratch = await mkdtemp(path.join(REPO, 'test-output/readme-'))
    for (const project of PROJECTS.values()) await writeProject(scratch, project)
    await writeCheckBlocks(scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  test('the README has runnable projects, each with its command', () => {
    expect([...PROJECTS.keys()].sort()).toEqual(['guide', 'jest', 'quickstart'])
    for (const project of PROJECTS.values()) expect(project.command, project.name).toBeDefined()
  })

  test.each([...PROJECTS.keys()])('project %s', { timeout: 120_000 }, async (name) => {
    const project = PROJECTS.get(name)!
    const dir = path.join(scratch, name)
    const [npx, tool, ...args] = project.command!
    // `npx jest …` / `npx vitest run …`, on the repo's Jest or Vitest (runVitest adds the `run` itself).
    expect([npx, tool, tool === 'vitest' ? args[0] : 'run']).toEqual([
      'npx',
      usesJest(project) ? 'jest' : 'vitest',
      'run',
    ])
    const run = usesJest(project) ? await runJest(dir, args) : await runVitest(dir, args.slice(1))
    expect(run.exitCode, run.output).toBe(0)
    const specs = specsOf(project).length
    const passed = usesJest(project)
      ? new RegExp(`Test Suites:\\s+${specs} passed, ${specs} total`)
      : new RegExp(`Test Files\\s+${specs} passed \\(${specs}\\)`)
    expect(run.output).toMatch(passed)
    // The perfspec table printed, every run passed.
    expect(run.output).toMatch(/PERF\s+\d+ runs? · \d+ passed/)
    expect(run.output).not.toContain('✗')
    // The sample's app (the demo's) runs outside the test's process: a project that starts its own has an
    // `app µs/req` column too.
    const header = normalized(run.output).replace(' app µs/req', '')
    if (!usesJest(project)) expect(header).toContain(TABLE_HEADER)
  })

  test('every ts file and `ts check` block type-checks', { timeout: 120_000 }, async () => {
    // One tsc over the projects without a tsconfig of their own (and the check blocks and the probe), one
    // per project whose README gives its tsconfig; in parallel, as each is a single-threaded tsc.
    const own = [...PROJECTS.values()].filter((project) => project.files.has('tsconfig.json'))
    const runs = await Promise.all(
      [scratch, ...own.map((project) => path.join(scratch, project.name))].map(typeCheck),
    )
    const errors = runs.flatMap((run) => run.split('\n').filter((line) => line.includes(': error TS')))
    const gap = errors.some((line) => line.includes('types-probe.ts'))
    // Until the matcher types ship in dist/ (issue 14, "Types that just work"), the probe fails and the
    // matchers' "does not exist on type 'Assertion'" errors are that gap; every other error fails the test.
    const remaining = gap ? errors.filter((line) => !MATCHER_TYPE_GAP.test(line)) : errors
    expect(remaining).toEqual([])
  })
})

const MATCHER_TYPE_GAP =
  /error TS2339: Property '(toHave\w+|toPassThresholds|toMatchPerfBaseline)' does not exist on type 'Assertion</

async function typeCheck(project: string): Promise<string> {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc')
  const run = await execa(process.execPath, [tsc, '-p', project], {
    reject: false,
    all: true,
    timeout: 110_000,
  })
  return run.all ?? ''
}

async function writeProject(scratch: string, project: Project): Promise<void> {
  const dir = path.join(scratch, project.name)
  for (const [file, code] of project.files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true })
    await writeFile(path.join(dir, file), code)
  }
  // A user's project: its own package.json (CommonJS for the Jest example, whose config uses module.exports)
  // and perfspec in node_modules, linked to this checkout (dist/ is built by the suite's globalSetup).
  const type = usesJest(project) ? 'commonjs' : 'module'
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `readme-${project.name}`, private: true, type }),
  )
  await mkdir(path.join(dir, 'node_modules'), { recursive: true })
  await symlink(REPO, path.join(dir, 'node_modules', PACKAGE.name), 'dir')
}

/** The tsconfig over every project's ts files, and the `ts check` blocks as modules of their own. */
async function writeCheckBlocks(scratch: string): Promise<void> {
  const checks = path.join(scratch, 'checks')
  await mkdir(checks, { recursive: true })
  await writeFile(path.join(checks, 'package.json'), JSON.stringify({ private: true, type: 'module' }))
  await mkdir(path.join(checks, 'node_modules'), { recursive: true })
  await symlink(REPO, path.join(checks, 'node_modules', PACKAGE.name), 'dir')
  for (const block of BLOCKS) {
    const marker = markerOf(block)
    if (typeof marker === 'string' || marker.kind !== 'check' || block.lang !== 'ts') continue
    await writeFile(path.join(checks, `line-${block.line}.ts`), `${block.code}\nexport {}\n`)
  }
  // Whether perfspec's published types give Vitest's `expect` the matchers (see the type-check test).
  await writeFile(
    path.join(checks, 'types-probe.ts'),
    [
      "import type {} from 'perfspec/vitest'",
      "import type { LoadTestResult } from 'perfspec'",
      "import { expect } from 'vitest'",
      'export const probe = (result: LoadTestResult) => expect(result).toHaveP95Below(1)',
      '',
    ].join('\n'),
  )
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ['**/*.ts'],
    // Projects with a tsconfig of their own are checked with it.
    exclude: [
      '**/node_modules',
      ...[...PROJECTS.values()].filter((p) => p.files.has('tsconfig.json')).map((p) => p.name),
    ],
  }
  await writeFile(path.join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
}
