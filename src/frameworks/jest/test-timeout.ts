// jest-circus keeps its state under a non-global symbol on the test file's global; the running test's own
// timeout (test's third argument) and the file's default (testTimeout, jest.setTimeout) are there.
interface CircusState {
  testTimeout?: number
  currentlyRunningTest?: { timeout?: number } | null
}

function circusState(): CircusState | undefined {
  const symbol = Object.getOwnPropertySymbols(globalThis).find(
    (candidate) => candidate.description === 'JEST_STATE_SYMBOL',
  )
  return symbol === undefined ? undefined : (globalThis as Record<symbol, CircusState | undefined>)[symbol]
}

/** The running test's timeout in ms, or undefined when it cannot be read (not jest-circus). */
export function readJestTestTimeout(): number | undefined {
  const state = circusState()
  const timeout = state?.currentlyRunningTest?.timeout || state?.testTimeout
  return typeof timeout === 'number' && timeout > 0 ? timeout : undefined
}
