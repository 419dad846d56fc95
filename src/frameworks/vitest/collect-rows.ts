import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { TestModule } from 'vitest/node'
import { isRecordedResult } from '../../foundation/model/index.ts'
import type { ReportRow, TestState } from '../../presentation/report/rows.ts'

/** The task meta key that carries a test's results from the worker to the reporter. */
export const META_KEY = 'perfspec'

/** Every perf result recorded in the tests of these modules, in file and test order. */
export function collectRows(modules: readonly TestModule[], root: string): ReportRow[] {
  const rows: ReportRow[] = []
  for (const module of modules) {
    const file = path.relative(root, module.moduleId).split(path.sep).join('/')
    for (const testCase of module.children.allTests()) {
      const recorded = (testCase.meta() as Record<string, unknown>)[META_KEY]
      if (!Array.isArray(recorded)) continue
      const outcome = testCase.result()
      const state = (outcome?.state ?? 'pending') as TestState
      const errors = (outcome?.errors ?? []).map((error) => stripVTControlCharacters(error.message ?? ''))
      for (const entry of recorded) {
        if (!isRecordedResult(entry)) continue
        rows.push({ file, test: testCase.fullName, state, ...entry, ...(errors.length > 0 && { errors }) })
      }
    }
  }
  return rows
}
