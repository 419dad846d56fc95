import { isThenable } from '../options/validate.ts'

function ignore(): void {}

/**
 * True when a function perfspec calls for every request and never awaits (`check`, a step's `path`, `body`
 * or `capture`) returned a Promise anyway: a plain function that returns one (an `async` one is refused
 * before the run). The caller fails that call; the Promise's outcome is dropped here, so that a rejection is
 * never unhandled (Node exits on one).
 */
export function returnedPromise(value: unknown): boolean {
  if (!isThenable(value)) return false
  try {
    value.then(undefined, ignore)
  } catch {}
  return true
}

/** The failure message of a function that returned a Promise. */
export function promiseReturnedMessage(what: string): string {
  return `${what} returned a Promise: it must be synchronous (it is never awaited; do async work in \`setup\`)`
}
