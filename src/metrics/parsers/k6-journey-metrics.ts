/** Custom k6 metrics the journey script adds, tagged by `name` (step) or `scenario`. */
export const K6_JOURNEY_METRICS = {
  /** Counter tagged `name` and `type` (`capture_failed`): a step failed after a response k6 counted as good. */
  stepErrors: 'perfspec_step_errors',
  /**
   * Counter tagged `name` and `reason` (`template`), and `scenario` and `reason`: a step's request that never
   * went out. Not a request: k6 counts no http_reqs for it.
   */
  notSent: 'perfspec_not_sent',
  /** Counter tagged `scenario`: iterations that ran every step. */
  completed: 'perfspec_iterations_completed',
  /** Counter tagged `scenario`: iterations that ended at a failed step. */
  failed: 'perfspec_iterations_failed',
  /** Trend tagged `scenario`: the duration of completed iterations (think time included). */
  duration: 'perfspec_journey_duration',
  /** Counter tagged `scenario`: failed `onStart` attempts. */
  onStartFailures: 'perfspec_onstart_failures',
} as const

/** The step-error types the script counts itself (the others are responses k6 already counts). */
export const K6_STEP_ERROR_TYPES = ['capture_failed'] as const

/** Why the script sends no request for a step: a template that names no var or renders what cannot go out. */
export const K6_NOT_SENT_REASONS = ['template'] as const
