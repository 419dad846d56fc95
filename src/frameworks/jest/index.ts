// `perfspec/jest`, for `setupFilesAfterEnv`: registers the matchers and the test-context hooks, and (as a
// type import) adds the matchers to `jest.Matchers` (@types/jest) and to `expect`'s (@jest/globals).
import './augment.ts'
import './setup.ts'

export type { PerfBaselineOptions, PerfMatchers } from '../../presentation/matchers/types.ts'
