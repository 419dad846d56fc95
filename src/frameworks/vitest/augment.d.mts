// The matcher types on Vitest's `Assertion`. A hand-written ES module declaration, shipped as is beside
// dist/vitest/index.d.{mts,cts}, which both reference it: being ESM, its `declare module 'vitest'` always
// reaches Vitest's ESM types, also where TypeScript loads `perfspec/vitest` in require mode (a
// `"types": ["perfspec/vitest"]` entry under nodenext), where an augmentation in index.d.cts would land on
// vitest/index.d.cts and change nothing.
import type { PerfMatchers } from 'perfspec'
import type { PerfWorkerConfig } from 'perfspec/vitest'

declare module 'vitest' {
  // No type parameters on purpose: Vitest 3.2/4 declare Matchers<T>, Vitest 5 Matchers<R, T>; every one
  // has defaults, so a parameterless augmentation merges with all three.
  interface Matchers extends PerfMatchers {}
  interface ProvidedContext {
    perfspec: PerfWorkerConfig
  }
}
