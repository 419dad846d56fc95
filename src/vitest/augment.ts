import type { PerfMatchers } from '../matchers/types.ts'
import type { PerfWorkerConfig } from '../session/worker-config.ts'

declare module 'vitest' {
  // No type parameters on purpose: Vitest 3.2/4 declare Matchers<T>, Vitest 5 Matchers<R, T>; every one
  // has defaults, so a parameterless augmentation merges with all three.
  interface Matchers extends PerfMatchers {}
  interface ProvidedContext {
    perfspec: PerfWorkerConfig
  }
}
