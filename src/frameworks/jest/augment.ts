import type {} from 'expect'
import type { PerfMatchers } from '../../presentation/matchers/types.ts'

// Without the `expect` import above, `declare module 'expect'` is an error (TS2664) where nothing else
// loaded it. Type parameters are copied exactly from Jest 29/30: merging needs identical lists.
declare global {
  namespace jest {
    // @types/jest: the global `expect`.
    // biome-ignore lint/complexity/noBannedTypes: @types/jest declares exactly this default
    interface Matchers<R, T = {}> extends PerfMatchers<R, T> {}
  }
}

declare module 'expect' {
  // `import { expect } from '@jest/globals'`.
  interface Matchers<R extends void | Promise<void>, T = unknown> extends PerfMatchers<R, T> {}
}
