import {
  type BaselineComparison,
  type BaselineVerdict,
  listMetricComparisons,
  type MetricComparison,
} from '../../foundation/model/index.ts'

/** The baseline came from another kind of machine: every metric is shown, none is judged. */
export function notComparable(judged: BaselineComparison): BaselineComparison {
  const neutral = (metric: MetricComparison): MetricComparison => {
    const { interval: _interval, ...numbers } = metric
    return {
      ...numbers,
      verdict: 'inconclusive',
      regressed: false,
      reason: 'not compared: the baseline was recorded on another machine',
    }
  }
  const comparison: BaselineComparison = {
    method: 'not-comparable',
    verdict: 'inconclusive',
    p95: neutral(judged.p95),
    rps: neutral(judged.rps),
    regressed: false,
    notes: [
      'not comparable: the baseline was recorded on another kind of machine (CPU model, cores, platform or ' +
        'architecture), and latency, throughput and the app’s CPU time per request depend on the machine as ' +
        'much as on the code, so nothing was judged. Record the baseline on the machine that checks it, or ' +
        'compare with a git ref on this machine (perfspec compare --base)',
    ],
  }
  if (judged.cpuPerRequest !== undefined) comparison.cpuPerRequest = neutral(judged.cpuPerRequest)
  if (judged.endpoints !== undefined) {
    comparison.endpoints = Object.fromEntries(
      Object.entries(judged.endpoints).map(([name, { p95, rps }]) => [
        name,
        rps === undefined ? { p95: neutral(p95) } : { p95: neutral(p95), rps: neutral(rps) },
      ]),
    )
  }
  return comparison
}

/** The whole comparison's verdict from its metrics': regressed, else inconclusive, else improved, else unchanged. */
export function withVerdict(
  comparison: Omit<BaselineComparison, 'verdict' | 'regressed'>,
): BaselineComparison {
  const verdicts = listMetricComparisons({ ...comparison, verdict: 'unchanged', regressed: false }).map(
    ({ metric }) => metric.verdict,
  )
  const verdict: BaselineVerdict = verdicts.includes('regressed')
    ? 'regressed'
    : verdicts.includes('inconclusive')
      ? 'inconclusive'
      : verdicts.includes('improved')
        ? 'improved'
        : 'unchanged'
  return { ...comparison, verdict, regressed: verdict === 'regressed' }
}
