// Pure helpers for the docs tests: find the fenced code blocks of a Markdown file and read what their info
// string says to do with them. The info string is `LANG MARKER` (GitHub highlights by the first word only).

/** What a block asks the docs test to do with it. */
export type BlockMarker =
  /** A file of one or more scratch projects (`project=a,b`), named by its first-line comment; a `sh` block is the command that runs the project. */
  | { kind: 'project'; projects: string[] }
  /** Type-checked (ts) or parsed (yaml, json, jsonc), not run. */
  | { kind: 'check' }
  /** A cheap shell command, run from the repository root. */
  | { kind: 'run' }
  /** A shell command too slow or networked for the suite: not run, but the scripts and files it names must exist. */
  | { kind: 'skip'; reason: string }
  /** Shown to the reader, not run (sample output, a shape written as pseudo-code). */
  | { kind: 'illustrative' }

export interface CodeBlock {
  lang: string
  /** The info string after the language, as written. */
  info: string
  code: string
  /** 1-based line of the opening fence. */
  line: number
}

const FENCE = /^(`{3,}|~{3,})\s*(.*)$/

/** Every fenced code block of a Markdown text, in order. Indented fences (inside lists) count too. */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!.trimStart())
    if (open === null) continue
    const fence = open[1]!
    const [lang = '', ...rest] = open[2]!.trim().split(/\s+/)
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) body.push(lines[end++]!)
    blocks.push({ lang, info: rest.join(' '), code: `${body.join('\n')}\n`, line: index + 1 })
    index = end
  }
  return blocks
}

/** The block's marker, or a sentence saying why it has none the docs test knows. */
export function markerOf(block: CodeBlock): BlockMarker | string {
  const words = block.info.split(/\s+/).filter((word) => word !== '')
  if (words.length !== 1) {
    return `expected one marker (project=NAME, check, run, skip-test=REASON, illustrative), got \`${block.info}\``
  }
  const [key, value] = words[0]!.split('=', 2) as [string, string | undefined]
  if (key === 'project' && value) return { kind: 'project', projects: value.split(',') }
  if (key === 'skip-test' && value) return { kind: 'skip', reason: value }
  if (value === undefined && (key === 'check' || key === 'run' || key === 'illustrative'))
    return { kind: key }
  return `unknown marker \`${words[0]}\``
}

/** The file a project block is written to: the path in its first-line comment (`// test/a.ts: …`, `# config/qa.yaml`). */
export function fileNameOf(block: CodeBlock): string | undefined {
  const first = block.code.split('\n', 1)[0] ?? ''
  return /^(?:\/\/|#)\s*([\w./-]+\.\w+)/.exec(first)?.[1]
}

/** Full-line `//` comments removed, so a `jsonc` block parses as JSON. */
export function stripJsoncComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n')
}

/** The shell commands of a block: comments and blank lines dropped, `a && b` split. */
export function commandsOf(code: string): string[][] {
  return code
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '')
    .flatMap((line) => line.split('&&'))
    .map((command) => command.trim().split(/\s+/))
}

export interface CommandWorld {
  /** package.json's scripts. */
  scripts: Record<string, string>
  /** Whether a path (relative to the repository root) exists. */
  exists: (file: string) => boolean
  /** Whether a package is installed (for `npx NAME`). */
  installed: (name: string) => boolean
}

/** Why a command a skipped block shows would not work here, or undefined when what it names exists. */
export function problemWithCommand(words: string[], world: CommandWorld): string | undefined {
  const [program, first, second] = words
  if (program === 'npm' && (first === 'install' || first === 'ci')) return undefined
  if (program === 'npm' && first === 'test') return world.scripts['test'] ? undefined : 'no `test` script'
  if (program === 'npm' && first === 'run' && second !== undefined) {
    return world.scripts[second] ? undefined : `no \`${second}\` script in package.json`
  }
  if (program === 'bash' && first !== undefined) return world.exists(first) ? undefined : `no file ${first}`
  if (program === 'npx' && first !== undefined) {
    return world.installed(first) ? undefined : `${first} is not installed`
  }
  return `the docs test does not know the command \`${words.join(' ')}\``
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors a Markdown text defines (its headings, duplicates numbered as GitHub does). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (heading === null) continue
    const base = anchorOf(heading[1]!)
    let anchor = base
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`
    anchors.add(anchor)
  }
  return anchors
}

/** Relative link targets (`[text](target)`) outside code blocks; web and mail links left out. */
export function relativeLinksOf(markdown: string): string[] {
  const links = [...withoutCodeBlocks(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)
  return links.filter((link) => !/^[a-z]+:/i.test(link))
}

function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split('\n')
  let fence: string | undefined
  return lines
    .filter((line) => {
      const open = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
      if (fence === undefined && open !== undefined) fence = open
      else if (fence !== undefined && line.trimStart().startsWith(fence)) fence = undefined
      else return fence === undefined
      return false
    })
    .join('\n')
}
