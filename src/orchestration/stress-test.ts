import { InvalidOptionError } from '../foundation/errors.ts'
import type { BreakPoint, LoadTestResult, StressStep, StressTestResult } from '../foundation/model/index.ts'
import type { Duration, LoadTestOptions } from '../foundation/types.ts'
import { lockWaitWarning, runExclusive } from '../foundation/util/machine-lock.ts'
import type { LoadDefaults } from '../options/defaults.ts'
import { requireDurationMs } from '../options/duration.ts'
import { resolveLoadOptions } from '../options/resolve.ts'
import { MAX_USERS_PER_PROCESS } from '../options/shape.ts'
import { argument, type KnownKeys, requireInteger, requireObject } from '../options/validate.ts'
import { markNestedRun, trackGroupRun, withTestSignal } from './context.ts'
import { loadTestInGroup } from './load-test.ts'
import { findBreak, type MeasuredStep, resolveBreakCriteria } from './stress/break-criteria.ts'
import type { StressTestOptions } from './stress/types.ts'

/** Options a stress test sets per step itself: the load options StressTestOptions leaves out. */
const PER_STEP_KEYS = {
  users: 'startUsers, stepUsers and maxUsers set the users of each step',
  duration: 'stepDuration sets how long each step runs',
  requests: 'each step runs for stepDuration',
  rampUp: 'steps start all their users at once, back to back',
  rate: 'a stress test steps users (closed model); run loadTest with `stages` for arrival-rate ramps',
  stages: 'a stress test steps users (closed model); run loadTest with `stages` for arrival-rate ramps',
  errorBudget: "a stress test's steps have no error budget: `breakOn.maxErrorRatePercent` decides",
} as const satisfies Record<Exclude<keyof LoadTestOptions, keyof StressTestOptions>, string>
// The stress test's own options; `maxUsers` is the last step's users here, not a load option.
const STRESS_KEYS = {
  startUsers: true,
  maxUsers: true,
  stepUsers: true,
  stepDuration: true,
  breakOn: true,
} as const satisfies KnownKeys<Omit<StressTestOptions, Exclude<keyof LoadTestOptions, 'maxUsers'>>>

interface StressPlan {
  base: LoadTestOptions
  levels: number[]
  stepDuration: Duration
  name: string
  tool: LoadTestResult['tool']
}

/** Validates everything (the load options included) before any request, and lists the steps' users. */
function planStress(options: StressTestOptions, defaults: Partial<LoadDefaults> | undefined): StressPlan {
  requireObject(argument('options'), options)
  for (const [key, why] of Object.entries(PER_STEP_KEYS)) {
    if (key in options) {
      throw new InvalidOptionError(key, `Expected no \`${key}\` option in a stress test: ${why}`)
    }
  }
  const maxUsers = requireInteger('maxUsers', options.maxUsers, 1, MAX_USERS_PER_PROCESS)
  const stepUsers = requireInteger(
    'stepUsers',
    options.stepUsers ?? Math.max(1, Math.ceil(maxUsers / 10)),
    1,
    MAX_USERS_PER_PROCESS,
  )
  const startUsers = requireInteger(
    'startUsers',
    options.startUsers ?? Math.min(stepUsers, maxUsers),
    1,
    maxUsers,
  )
  const stepDuration = options.stepDuration ?? '10s'
  requireDurationMs('stepDuration', stepDuration)
  // The rest are load options: resolveLoadOptions rejects what it does not know.
  const base = Object.fromEntries(
    Object.entries(options).filter(([key]) => !Object.hasOwn(STRESS_KEYS, key)),
  ) as unknown as LoadTestOptions
  const resolved = resolveLoadOptions({ ...base, users: maxUsers, duration: stepDuration }, defaults)
  const levels: number[] = []
  for (let users = startUsers; users <= maxUsers; users += stepUsers) levels.push(users)
  if (levels.at(-1) !== maxUsers) levels.push(maxUsers)
  return { base, levels, stepDuration, name: resolved.request.name, tool: resolved.tool.name }
}

/**
 * Runs load steps of growing user counts back to back, `runStep` running each one (the client passes its
 * own `loadTest`), and stops at the first step that breaks a `breakOn` criterion. Inside a test, the
 * result is attached to the test for the reporter, as `loadTest`'s are.
 */
export function runStressTest(
  options: StressTestOptions,
  runStep: (options: LoadTestOptions) => Promise<LoadTestResult>,
  defaults?: Partial<LoadDefaults>,
): Promise<StressTestResult> {
  return trackGroupRun(planAndStep(options, runStep, defaults))
}

// Validated before waiting for the machine's load-run lock; the steps then run inside one hold of it.
async function planAndStep(
  options: StressTestOptions,
  runStep: (options: LoadTestOptions) => Promise<LoadTestResult>,
  defaults: Partial<LoadDefaults> | undefined,
): Promise<StressTestResult> {
  const criteria = resolveBreakCriteria(options?.breakOn)
  const plan = planStress(options, defaults)
  return runExclusive(async ({ waitedMs }) => {
    const result = await stepUntilBreak(options, runStep, criteria, plan)
    if (waitedMs > 0) result.warnings.unshift(lockWaitWarning(waitedMs))
    return result
  }, withTestSignal(options.signal))
}

async function stepUntilBreak(
  options: StressTestOptions,
  runStep: (options: LoadTestOptions) => Promise<LoadTestResult>,
  criteria: ReturnType<typeof resolveBreakCriteria>,
  plan: StressPlan,
): Promise<StressTestResult> {
  const startedAt = new Date()
  const started = performance.now()
  const measured: MeasuredStep[] = []
  const steps: StressStep[] = []
  const warnings = new Set<string>()
  let breakPoint: BreakPoint | null = null
  let aborted = false
  let tool = plan.tool
  for (const users of plan.levels) {
    if (options.signal?.aborted) {
      aborted = true
      break
    }
    // A step's errors are the stress test's to judge (`breakOn`), not the step's error budget.
    const result = await runStep({ ...plan.base, users, duration: plan.stepDuration, errorBudget: false })
    markNestedRun(result)
    tool = result.tool
    steps.push({ users, metrics: result.metrics, warnings: result.warnings })
    for (const warning of result.warnings) warnings.add(`${users} users: ${warning}`)
    if (result.aborted) {
      aborted = true
      break
    }
    const step = { users, result }
    const broken = findBreak(step, measured[0], measured.at(-1), criteria)
    measured.push(step)
    if (broken !== undefined) {
      const cause = result.generator?.saturated === true ? 'generator' : 'target'
      breakPoint = { users, ...broken, cause, metrics: result.metrics }
      if (cause === 'generator') warnings.add(generatorBreakWarning(users))
      break
    }
  }
  return {
    kind: 'stress',
    success: breakPoint === null && !aborted,
    aborted,
    tool,
    name: plan.name,
    maxUsersReached: steps.at(-1)?.users ?? 0,
    breakPoint,
    steps,
    warnings: [...warnings],
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
  }
}

/** Finds the load at which a target breaks: steps of growing users until error rate, p95 or throughput give. */
export function stressTest(
  options: StressTestOptions,
  defaults?: Partial<LoadDefaults>,
): Promise<StressTestResult> {
  return runStressTest(options, (load) => loadTestInGroup(load, defaults), defaults)
}

/** Why a break found while the generator was saturated is not the server's. */
function generatorBreakWarning(users: number): string {
  return (
    `The break at ${users} users is the load generator's limit, not the server's: the generator was saturated ` +
    'in that step. Move the target to another process or machine, or give the generator `workers`, and run again.'
  )
}
