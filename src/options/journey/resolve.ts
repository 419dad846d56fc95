import { InvalidOptionError } from '../../foundation/errors.ts'
import type {
  JourneyHookContext,
  JourneyOptions,
  JourneyScenario,
  LoadTestOptions,
  ScenarioMix,
} from '../../foundation/types.ts'
import { requireDurationMs } from '../duration.ts'
import {
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireFunction,
  requireInteger,
  requireObject,
  requireOneOf,
  requireString,
} from '../validate.ts'
import { type CodeIteration, resolveCodeIteration } from './code-iteration.ts'
import { type ResolvedStep, resolveStep, type StepDefaults } from './resolve-step.ts'
import { parseTemplate } from './template.ts'
import { resolveThink, type ThinkRange } from './think.ts'

export type { CodeIteration } from './code-iteration.ts'
export type { CaptureFunction, ResolvedStep, StepDefaults } from './resolve-step.ts'

const MAX_WEIGHT = 1_000_000
/** How long `setup` and `teardown` may each take by default (k6's setupTimeout and teardownTimeout). */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000

const SCENARIO_KEYS = {
  name: true,
  weight: true,
  onStart: true,
  steps: true,
  think: true,
} as const satisfies KnownKeys<JourneyScenario>

/** One journey of a run: its users run `onStart` once, then `steps` again and again. */
export interface ResolvedScenario {
  name: string
  weight: number
  /**
   * Which `onStart` it runs: 0 the run's (shared by every scenario without its own: a user runs it once,
   * whichever of them it picks), `k` the own `onStart` of scenario `k - 1`.
   */
  onStartSlot: number
  onStart: ResolvedStep[]
  steps: ResolvedStep[]
  think: ThinkRange
}

/** The journey of a run (`steps`, or a weighted mix of `scenarios`), resolved and validated. */
export interface ResolvedJourney {
  scenarios: ResolvedScenario[]
  /** How the scenarios share the load by weight (`'per-iteration'` for a single journey too). */
  mix: ScenarioMix
  data?: readonly Record<string, unknown>[]
  setup?: (context: JourneyHookContext) => unknown
  teardown?: (setup: unknown, context: JourneyHookContext) => unknown
  /** A journey written as code (`iteration`): its one scenario, 'default', has no steps. */
  iteration?: CodeIteration
  setupTimeoutMs: number
  teardownTimeoutMs: number
}

/** The single-journey form (`steps`) reports as this scenario. */
export const DEFAULT_SCENARIO = 'default'

/** Step fields that hold functions: they cannot travel to worker threads. */
export function functionFieldsOf(journey: ResolvedJourney): string[] {
  const fields: string[] = []
  // A module iteration is imported by each thread that runs it: only a function stays in this one.
  if (journey.iteration !== undefined && journey.iteration.module === undefined) fields.push('iteration')
  journey.scenarios.forEach((scenario, index) => {
    const where =
      journey.scenarios.length === 1 && scenario.name === DEFAULT_SCENARIO ? '' : `scenarios[${index}].`
    for (const [list, steps] of [
      ['onStart', scenario.onStart],
      ['steps', scenario.steps],
    ] as const) {
      steps.forEach((step, stepIndex) => {
        for (const field of ['path', 'body', 'check', 'capture'] as const) {
          if (typeof step[field] === 'function') fields.push(`${where}${list}[${stepIndex}].${field}`)
        }
      })
    }
  })
  return fields
}

function resolveSteps(
  option: string,
  value: unknown,
  defaults: StepDefaults,
  allowEmpty: boolean,
): ResolvedStep[] {
  if (value === undefined && allowEmpty) return []
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    fail(option, allowEmpty ? 'an array of steps' : 'a non-empty array of steps', value)
  }
  return value.map((step, index) => resolveStep(`${option}[${index}]`, step, defaults))
}

function resolveScenario(
  index: number,
  value: unknown,
  defaults: StepDefaults,
  run: { onStart: unknown; think: ThinkRange },
): ResolvedScenario {
  const option = `scenarios[${index}]`
  const scenario = requireObject(
    option,
    value,
    'a scenario object { name, weight?, steps, onStart?, think? }',
  )
  rejectUnknownKeys(scenario, SCENARIO_KEYS, `${option}.`)
  return {
    name: requireString(`${option}.name`, scenario['name']),
    weight:
      scenario['weight'] === undefined
        ? 1
        : requireInteger(`${option}.weight`, scenario['weight'], 1, MAX_WEIGHT),
    onStartSlot: scenario['onStart'] === undefined ? 0 : index + 1,
    // A scenario's own onStart replaces the run's.
    onStart:
      scenario['onStart'] === undefined
        ? resolveSteps('onStart', run.onStart, defaults, true)
        : resolveSteps(`${option}.onStart`, scenario['onStart'], defaults, true),
    steps: resolveSteps(`${option}.steps`, scenario['steps'], defaults, false),
    think: scenario['think'] === undefined ? run.think : resolveThink(`${option}.think`, scenario['think']),
  }
}

function resolveData(value: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0) fail('data', 'a non-empty array of row objects', value)
  for (const [index, row] of value.entries()) {
    requireObject(`data[${index}]`, row, 'a row object of var names to values')
  }
  return value as Record<string, unknown>[]
}

const MIXES = ['per-iteration', 'per-user'] as const

const JOURNEY_ONLY = [
  'mix',
  'setup',
  'teardown',
  'setupTimeout',
  'teardownTimeout',
  'data',
  'onStart',
  'think',
] as const

/**
 * Validates and resolves the journey options (`steps` or `scenarios`, with `onStart`, `data`, `setup`,
 * `teardown` and their time limits, `think`); undefined when the run has no journey. Every problem is an InvalidOptionError naming
 * the option (`scenarios[1].steps[0].capture.token`), before any request is sent.
 */
export function resolveJourney(
  options: JourneyOptions & Pick<LoadTestOptions, 'method' | 'body' | 'check'>,
  defaults: StepDefaults,
): ResolvedJourney | undefined {
  const { steps, scenarios } = options
  const iteration = resolveCodeIteration(options)
  if (iteration !== undefined) return codeJourney(options, iteration)
  if (steps === undefined && scenarios === undefined) {
    for (const key of JOURNEY_ONLY) {
      if (options[key] !== undefined) {
        throw new InvalidOptionError(
          key,
          `The \`${key}\` option belongs to a journey: give \`steps\` or \`scenarios\` too`,
        )
      }
    }
    return undefined
  }
  if (steps !== undefined && scenarios !== undefined) {
    throw new InvalidOptionError(
      'steps',
      'Use either `steps` (one journey) or `scenarios` (a weighted mix), not both',
    )
  }
  const think = options.think === undefined ? { minMs: 0, maxMs: 0 } : resolveThink('think', options.think)
  let resolvedScenarios: ResolvedScenario[]
  if (steps !== undefined) {
    resolvedScenarios = [
      {
        name: DEFAULT_SCENARIO,
        weight: 1,
        onStartSlot: 0,
        onStart: resolveSteps('onStart', options.onStart, defaults, true),
        steps: resolveSteps('steps', steps, defaults, false),
        think,
      },
    ]
  } else {
    if (!Array.isArray(scenarios) || scenarios.length === 0) {
      fail('scenarios', 'a non-empty array of { name, weight?, steps }', scenarios)
    }
    resolvedScenarios = scenarios.map((scenario, index) =>
      resolveScenario(index, scenario, defaults, { onStart: options.onStart, think }),
    )
    const seen = new Set<string>()
    resolvedScenarios.forEach((scenario, index) => {
      if (seen.has(scenario.name))
        fail(`scenarios[${index}].name`, 'a name no other scenario has', scenario.name)
      seen.add(scenario.name)
    })
  }
  const journey = {
    scenarios: resolvedScenarios,
    mix: options.mix === undefined ? 'per-iteration' : requireOneOf('mix', options.mix, MIXES),
  }
  return withHooksAndData(journey, options)
}

/** A code iteration's journey: one scenario without steps, and the run's hooks and data. */
function codeJourney(options: JourneyOptions, iteration: CodeIteration): ResolvedJourney {
  return withHooksAndData(
    {
      scenarios: [
        {
          name: DEFAULT_SCENARIO,
          weight: 1,
          onStartSlot: 0,
          onStart: [],
          steps: [],
          think: { minMs: 0, maxMs: 0 },
        },
      ],
      mix: 'per-iteration',
      iteration,
    },
    options,
  )
}

/** The run's hooks (with their time limits) and data, the same for declarative and code journeys. */
function withHooksAndData(
  journey: Omit<ResolvedJourney, 'setupTimeoutMs' | 'teardownTimeoutMs'>,
  options: JourneyOptions,
): ResolvedJourney {
  const resolved: ResolvedJourney = {
    ...journey,
    setupTimeoutMs: hookTimeoutMs('setupTimeout', options.setupTimeout),
    teardownTimeoutMs: hookTimeoutMs('teardownTimeout', options.teardownTimeout),
  }
  if (options.data !== undefined) resolved.data = resolveData(options.data)
  if (options.setup !== undefined) resolved.setup = requireFunction('setup', options.setup)
  if (options.teardown !== undefined) resolved.teardown = requireFunction('teardown', options.teardown)
  return resolved
}

function hookTimeoutMs(option: string, value: unknown): number {
  return value === undefined ? DEFAULT_HOOK_TIMEOUT_MS : requireDurationMs(option, value)
}

/** Every endpoint (step name) of a journey, in order of first appearance. */
export function endpointNamesOf(journey: ResolvedJourney): string[] {
  const names = new Set<string>()
  for (const scenario of journey.scenarios) {
    for (const step of [...scenario.onStart, ...scenario.steps]) names.add(step.name)
  }
  return [...names]
}

/** True when a path holds `{{var}}` templates (a function path counts as dynamic too). */
export function isDynamicPath(path: ResolvedStep['path']): boolean {
  return typeof path === 'function' || parseTemplate(path).vars.length > 0
}
