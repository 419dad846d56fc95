import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A new user's project: perfspec from the packed tarball, a tsconfig whose `include` holds one test file
// (no vitest.config.ts in the program), and one of the two documented ways to get the matcher types.
const run = promisify(execFile)
const repo = path.resolve(import.meta.dirname, '../..')
const tsc = path.join(repo, 'node_modules/typescript/bin/tsc')

const RESOLUTIONS = {
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  bundler: { module: 'ESNext', moduleResolution: 'bundler' },
  node10: { module: 'CommonJS', moduleResolution: 'node10' },
} as const
type Resolution = keyof typeof RESOLUTIONS
type Way = 'types entry' | 'import type' | 'neither'

function testFile(way: Way): string {
  return [
    "import type { LoadTestResult } from 'perfspec'",
    "import { expect, test } from 'vitest'",
    ...(way === 'import type' ? ["import type {} from 'perfspec/vitest'"] : []),
    '',
    'declare const result: LoadTestResult',
    "test('fast enough', () => {",
    '  expect(result).toHaveP95Below(200)',
    '  expect(result).not.toHaveErrorRateBelow(0)',
    '  expect(result).toPassThresholds({ http_req_duration: ["p(95)<200"] })',
    '})',
    '',
  ].join('\n')
}

async function typecheck(root: string, resolution: Resolution, way: Way) {
  const dir = path.join(root, `${resolution}-${way.replace(' ', '-')}`)
  await mkdir(dir)
  const types = way === 'types entry' ? ['node', 'perfspec/vitest'] : ['node']
  const compilerOptions = {
    ...RESOLUTIONS[resolution],
    target: 'ES2022',
    lib: ['ES2023'],
    types,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  }
  await writeFile(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, include: ['perf.test.ts'] }),
  )
  await writeFile(path.join(dir, 'perf.test.ts'), testFile(way))
  return run(process.execPath, [tsc, '-p', dir], { cwd: dir }).then(
    () => ({ ok: true, output: '' }),
    (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? String(error) }),
  )
}

describe('matcher types in a project that type-checks only its tests', () => {
  let root: string

  beforeAll(async () => {
    // With PERFSPEC_E2E_VITEST_HOME (run-matrix.sh), that scratch install: another Vitest, perfspec from its
    // tarball. Otherwise the tarball as npm would publish it (dist/ from `npm run build`), unpacked as npm
    // would install it, beside this repository's install of everything else.
    const home = process.env['PERFSPEC_E2E_VITEST_HOME']
    if (home !== undefined) {
      root = await mkdtemp(path.join(path.resolve(home), 'types-'))
      return
    }
    root = await mkdtemp(path.join(os.tmpdir(), 'perfspec-types-'))
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', root],
      {
        cwd: repo,
      },
    )
    const modules = path.join(root, 'node_modules')
    await mkdir(path.join(modules, 'perfspec'), { recursive: true })
    await run('tar', [
      '-xzf',
      path.join(root, stdout.trim()),
      '-C',
      path.join(modules, 'perfspec'),
      '--strip-components=1',
    ])
    for (const entry of await readdir(path.join(repo, 'node_modules'))) {
      if (entry === 'perfspec' || entry.startsWith('.')) continue
      await symlink(path.join(repo, 'node_modules', entry), path.join(modules, entry))
    }
    await writeFile(
      path.join(root, 'package.json'),
      '{ "name": "types-check", "private": true, "type": "module" }',
    )
  }, 60_000)
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const cases = (Object.keys(RESOLUTIONS) as Resolution[]).flatMap((resolution) =>
    (['types entry', 'import type'] as const).map((way) => [resolution, way] as const),
  )
  it.each(cases)(
    'moduleResolution %s, with a %s: toHaveP95Below is on Assertion',
    async (resolution, way) => {
      const checked = await typecheck(root, resolution, way)
      expect(checked.output).toBe('')
      expect(checked.ok).toBe(true)
    },
    60_000,
  )

  it('without either, the matchers are missing (the check above is not vacuous)', async () => {
    const checked = await typecheck(root, 'nodenext', 'neither')
    expect(checked.ok).toBe(false)
    expect(checked.output).toContain("Property 'toHaveP95Below' does not exist")
  }, 60_000)
})
