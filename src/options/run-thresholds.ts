import type { Thresholds } from '../foundation/types.ts'
import { endpointNamesOf, type ResolvedJourney } from './journey/resolve.ts'
import {
  checkThresholdTags,
  mergeThresholds,
  type ParsedThreshold,
  parseTaggedKey,
  parseThresholds,
} from './thresholds.ts'

/** A journey's endpoint and scenario names (none without a journey): what tagged thresholds may name. */
function namesOf(journey: ResolvedJourney | undefined): { endpoints: string[]; scenarios: string[] } {
  return journey === undefined
    ? { endpoints: [], scenarios: [] }
    : { endpoints: endpointNamesOf(journey), scenarios: journey.scenarios.map((scenario) => scenario.name) }
}

/** The shared thresholds that concern this run: a tagged one only when its journey has that endpoint or scenario. */
function sharedFor(
  shared: Thresholds,
  names: { endpoints: string[]; scenarios: string[] },
): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(shared)) {
    let tagged: ReturnType<typeof parseTaggedKey>
    try {
      tagged = parseTaggedKey(key)
    } catch {
      tagged = undefined // a malformed tag is reported where the thresholds are parsed
    }
    const list = tagged?.tag.kind === 'name' ? names.endpoints : names.scenarios
    if (tagged === undefined || list.includes(tagged.tag.value)) kept[key] = value
  }
  return kept
}

/**
 * The run's thresholds, parsed: its own over the shared ones (config file, plugin) key by key. A tagged
 * threshold names an endpoint or scenario of the run's journey: a shared one that names none of them does
 * not concern this run, and the run's own must (a typo is an InvalidThresholdError before any traffic).
 * A user's own k6 script or locustfile, and a code iteration, name their endpoints only when they run
 * (`namesAfterRun`): checked then.
 */
export function resolveRunThresholds(
  own: Thresholds | undefined,
  shared: Thresholds | undefined,
  journey: ResolvedJourney | undefined,
  namesAfterRun: boolean,
): ParsedThreshold[] {
  const names = namesOf(journey)
  const concerning = shared === undefined || namesAfterRun ? shared : (sharedFor(shared, names) as Thresholds)
  // A code iteration's custom metrics are thresholds' metrics too (`cart_size: ['p(95)<10']`).
  const thresholds = parseThresholds(mergeThresholds(concerning, own), {
    customMetrics: journey?.iteration !== undefined,
  })
  if (!namesAfterRun) checkThresholdTags(thresholds, names)
  return thresholds
}
