import type { LoadTestResult } from '../../../foundation/model/index.ts'
import { formatCount } from '../../../foundation/util/format.ts'
import { type Caveats, checkLinesOf, checkTotalsOf, formatCheckRate, notSentLinesOf } from '../checks.ts'
import { htmlText } from '../escape.ts'
import { num, renderSubheading, renderTable, txt } from './parts.ts'

/** The checks tile: the run's rate over all its checks, marked when any failed; undefined without checks. */
export function checksTile(
  result: LoadTestResult,
): { label: string; value: string; tone?: 'bad' } | undefined {
  const totals = checkTotalsOf(result.metrics)
  if (totals === undefined) return undefined
  const value = `${formatCheckRate(totals)} (${formatCount(totals.fails)} failed)`
  return totals.fails > 0 ? { label: 'checks', value, tone: 'bad' } : { label: 'checks', value }
}

/** The never-sent tile, when some request was never sent. */
export function notSentTile(
  result: LoadTestResult,
): { label: string; value: string; tone: 'bad' } | undefined {
  const count = notSentLinesOf(result.metrics).reduce((sum, line) => sum + line.count, 0)
  return count === 0 ? undefined : { label: 'never sent', value: formatCount(count), tone: 'bad' }
}

/** Every named check of the run, then of each endpoint: passes, fails and rate, fails marked. */
export function renderChecks(result: LoadTestResult): string {
  const lines = checkLinesOf(result)
  if (lines.length === 0) return ''
  const rows = lines.map((line) => [
    txt(line.endpoint ?? 'the run'),
    txt(line.name),
    num(formatCount(line.passes)),
    num(formatCount(line.fails), line.fails > 0 ? 'bad' : undefined),
    num(formatCheckRate(line), line.fails > 0 ? 'bad' : undefined),
  ])
  return (
    renderSubheading('Checks', Object.keys(result.metrics.checks ?? {}).length) +
    renderTable(['of', 'check', 'passes', 'fails', 'rate'], rows)
  )
}

/** The requests a journey never sent, by reason, for the run and then each endpoint; '' when all went out. */
export function renderNotSent(result: LoadTestResult): string {
  const parts = [
    { of: 'the run', metrics: result.metrics },
    ...Object.entries(result.endpoints ?? {}).map(([of, metrics]) => ({ of, metrics })),
  ]
  const rows = parts.flatMap(({ of, metrics }) =>
    notSentLinesOf(metrics).map((line) => [
      txt(of),
      txt(line.reason),
      num(formatCount(line.count), 'bad'),
      txt(line.example),
    ]),
  )
  if (rows.length === 0) return ''
  return (
    renderSubheading('Never sent') +
    '<p class="note bad">A template or step function failed before these requests reached the wire: they are ' +
    'in no request count, error rate or throughput.</p>' +
    renderTable(['of', 'reason', 'count', 'example'], rows)
  )
}

/** Badges beside a verdict: `⚠ checks failed`, `⚠ never sent`; '' for a run without either. */
export function renderCaveatBadges(caveats: Caveats): string {
  const badges: string[] = []
  if (caveats.failedChecks > 0) {
    badges.push(`⚠ ${formatCount(caveats.failedChecks)} check${caveats.failedChecks === 1 ? '' : 's'} failed`)
  }
  if (caveats.notSent > 0) badges.push(`⚠ ${formatCount(caveats.notSent)} never sent`)
  return badges.map((badge) => ` <span class="verdict caveat">${htmlText(badge)}</span>`).join('')
}
