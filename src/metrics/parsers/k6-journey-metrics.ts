/** Custom k6 metrics the journey script adds, tagged by `name` (step) or `scenario`. */
export const K6_JOURNEY_METRICS = {
  /** Counter tagged `name` and `type` (`template`, `capture_failed`): a step failed without a bad response. */
  stepErrors: 'perfspec_step_errors',
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
export const K6_STEP_ERROR_TYPES = ['template', 'capture_failed'] as const
