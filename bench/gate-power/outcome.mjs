/** A comparison's outcome from its metrics' verdicts: flagged when any regressed, else inconclusive when any is. */
export function outcome(verdicts) {
  if (verdicts.includes('regressed')) return 'flagged'
  if (verdicts.includes('inconclusive')) return 'inconclusive'
  return 'pass'
}
