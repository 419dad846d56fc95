// Durations as a template-literal type: what parseDuration reads compiles, a typo does not.
import type { Duration, LoadTestOptions, StressTestOptions } from 'perfspec'
import { expectTypeOf, test } from 'vitest'

test('numbers and the duration grammar are durations', () => {
  const durations: Duration[] = [10, 0.5, '10', '1.5', '500ms', '30s', '2m', '1h', '1.5s', '1m30s', '1h2m3s']
  expectTypeOf(durations).toEqualTypeOf<Duration[]>()
  const options: LoadTestOptions = {
    url: 'http://127.0.0.1:3000/',
    duration: '1m30s',
    rampUp: '5s',
    timeout: 2,
  }
  expectTypeOf(options.duration).toEqualTypeOf<Duration | undefined>()
})

test('a duration that cannot parse is a type error', () => {
  // @ts-expect-error a unit in words does not parse
  const words: Duration = '10 seconds'
  // @ts-expect-error days are not a unit
  const days: Duration = '1d'
  // @ts-expect-error a unit alone is no duration
  const unit: Duration = 's'
  // @ts-expect-error in an option too
  const options: LoadTestOptions = { url: 'http://127.0.0.1:3000/', duration: '10 secs' }
  // @ts-expect-error and in a stress test's steps
  const stress: StressTestOptions = { url: 'http://127.0.0.1:3000/', maxUsers: 10, stepDuration: 'soon' }
  expectTypeOf([words, days, unit, options, stress]).not.toBeNever()
})
