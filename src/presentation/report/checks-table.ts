import type { Colors } from 'picocolors/types.js'
import { formatCount } from '../../foundation/util/format.ts'
import { checkLinesOf, formatCheckRate } from './checks.ts'
import { escapeTerminal } from './escape.ts'
import { whereOf } from './lines.ts'
import { loadRunsOf, type ReportRow } from './rows.ts'
import { MIN_NAME_WIDTH, wrapText } from './table.ts'

/**
 * The named checks of every run that has any, under the table: passes, fails and rate of each check of the
 * run, then of each endpoint (`↳ item: has id`). Numbers first, so a long name wraps without breaking the
 * columns. Empty when no run had checks. Pure: colors injected.
 */
export function renderChecksTable(rows: readonly ReportRow[], colors: Colors, width = 100): string[] {
  const runs = rows.flatMap((row) =>
    loadRunsOf(row)
      .map(({ prefix, run }) => ({
        label: `${whereOf(row)}${prefix === '' ? '' : ` ${prefix.trim()}`}`,
        checks: checkLinesOf(run),
      }))
      .filter(({ checks }) => checks.length > 0),
  )
  if (runs.length === 0) return []
  const cells = (counts: { passes: number; fails: number }) => [
    formatCount(counts.passes),
    formatCount(counts.fails),
    formatCheckRate(counts),
  ]
  const headers = ['passes', 'fails', 'rate']
  const all = runs.flatMap(({ checks }) => checks.map(cells))
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...all.map((line) => line[index]?.length ?? 0)),
  )
  const numbers = (texts: string[]) =>
    texts.map((text, index) => text.padStart(widths[index] ?? 0)).join('  ')
  const indent = numbers(headers).length + 4
  const out = [colors.dim(`  ${numbers(headers)}  check`)]
  for (const { label, checks } of runs) {
    out.push(...wrapText(escapeTerminal(label), width))
    for (const check of checks) {
      const name = escapeTerminal(
        check.endpoint === undefined ? check.name : `↳ ${check.endpoint}: ${check.name}`,
      )
      const [first = '', ...rest] = wrapText(name, Math.max(MIN_NAME_WIDTH, width - indent))
      const line = `  ${numbers(cells(check))}  ${first}`
      out.push(check.fails > 0 ? colors.red(line) : line)
      for (const more of rest) out.push(`${' '.repeat(indent)}${more}`)
    }
  }
  return out
}
