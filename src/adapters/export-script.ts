import { runSetup } from '../engine/journey/setup-teardown.ts'
import { UnsupportedOptionError } from '../foundation/errors.ts'
import type { LoadTestOptions } from '../foundation/types.ts'
import {
  DEFAULT_HOOK_TIMEOUT_MS,
  DEFAULT_SCENARIO,
  type ResolvedJourney,
} from '../options/journey/resolve.ts'
import { type ResolvedLoadOptions, resolveLoadOptions } from '../options/resolve.ts'
import { assertK6Supports, K6Adapter } from './k6.ts'
import { assertLocustSupports, LocustAdapter } from './locust.ts'
import { assertSupported } from './run-adapter.ts'
import { k6Journey, renderK6JourneyScript } from './scripts/k6-journey-script.ts'
import {
  type K6ThresholdMap,
  k6ErrorBudget,
  mergeK6Thresholds,
  toK6Thresholds,
} from './scripts/k6-thresholds.ts'
import { locustJourneySpec, renderLocustJourney } from './scripts/locust-journey-script.ts'
import { locustVerdicts } from './scripts/locust-verdicts.ts'

/** A run without `steps` exports as a journey of its one request. */
function journeyOf(options: ResolvedLoadOptions): ResolvedJourney {
  if (options.journey !== undefined) return options.journey
  const { request } = options
  return {
    scenarios: [
      {
        name: DEFAULT_SCENARIO,
        weight: 1,
        onStartSlot: 0,
        onStart: [],
        steps: [
          {
            name: request.name,
            method: request.method,
            path: '',
            headers: request.headers,
            body: request.body,
            expectStatus: request.expectStatus,
            timeoutMs: request.timeoutMs,
          },
        ],
        think: { minMs: 0, maxMs: 0 },
      },
    ],
    mix: 'per-iteration',
    setupTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
    teardownTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
  }
}

/** Resolves the options for an export, runs `setup` (its value is embedded) and refuses `teardown`. */
async function prepare(
  tool: 'k6' | 'locust',
  options: LoadTestOptions,
): Promise<{ resolved: ResolvedLoadOptions; journey: ResolvedJourney; setup: unknown }> {
  const resolved = resolveLoadOptions(options)
  const journey = journeyOf(resolved)
  const withJourney: ResolvedLoadOptions = { ...resolved, journey }
  if (tool === 'k6') {
    assertSupported(new K6Adapter(), withJourney)
    assertK6Supports(withJourney)
    // The shim imports the module by its path on this machine, and its results need perfspec to read them.
    if (journey.iteration !== undefined)
      throw new UnsupportedOptionError(
        'k6',
        'iteration',
        "a code iteration is not exported: its k6 shim imports the module from this machine and reports through perfspec; run it with `tool: 'k6'`",
      )
  } else {
    assertSupported(new LocustAdapter(), withJourney)
    assertLocustSupports(withJourney)
    // Refused before setup runs: a verdict the file cannot judge.
    locustVerdicts(resolved.thresholds, resolved.errorBudget)
  }
  if (journey.teardown !== undefined) {
    throw new UnsupportedOptionError(
      tool,
      'teardown',
      'an exported script runs elsewhere, later: nothing can call back into this process',
    )
  }
  // An export is no run: setup has its time limit, and no signal.
  const outcome = await runSetup(journey, undefined)
  const setup = outcome.aborted ? undefined : outcome.value
  if (setup !== undefined && JSON.stringify(setup) === undefined)
    throw new UnsupportedOptionError(
      tool,
      'setup',
      'its value is embedded in the script as JSON, and this one is not JSON',
    )
  return { resolved: withJourney, journey, setup }
}

/**
 * The standalone k6 script of a journey (or of a run's one request): run it with `k6 run`, k6-operator or
 * Grafana Cloud k6. The journey, its data, the load shape and the verdicts are embedded as data: every
 * threshold of the options in k6's spelling (seed names, object form and tags alike) and the error budget as
 * `http_req_failed`, for k6 to judge. `setup` runs now and its value is embedded. Function fields are
 * PERF_TOOL_UNSUPPORTED_OPTION.
 */
export async function toK6Script(options: LoadTestOptions): Promise<string> {
  const { resolved, journey, setup } = await prepare('k6', options)
  const k6 = k6Journey(resolved, journey, setup)
  k6.spec.options = {
    ...k6.spec.options,
    thresholds: mergeK6Thresholds(
      k6.spec.options['thresholds'] as K6ThresholdMap,
      // The run's abortOnFail thresholds are already there: every other one is added.
      toK6Thresholds(resolved.thresholds.filter((threshold) => threshold.abortOnFail === undefined)),
      k6ErrorBudget(resolved.errorBudget),
    ),
  }
  return renderK6JourneyScript(k6)
}

/**
 * The standalone locustfile of a journey (or of a run's one request), for `locust -f` on one machine or as
 * master and workers on many. The journey is embedded as data; `setup` runs now and its value is embedded.
 * The load shape stays on Locust's command line (`-u`, `-r`, `-t`). The verdicts (thresholds and the error
 * budget) are embedded as data too, for the file to judge at quit (exit code 1); a threshold it cannot judge
 * (`{scenario:…}`) is PERF_TOOL_UNSUPPORTED_OPTION.
 */
export async function toLocustfile(options: LoadTestOptions): Promise<string> {
  const { resolved, journey, setup } = await prepare('locust', options)
  const verdicts = locustVerdicts(resolved.thresholds, resolved.errorBudget)
  const spec = locustJourneySpec(resolved.request.url, journey, setup, resolved.request.tls)
  return renderLocustJourney({ ...spec, verdicts })
}
