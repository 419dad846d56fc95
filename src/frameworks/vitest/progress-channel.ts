import type { LoadProgress } from '../../foundation/types.ts'

// Progress travels from the test worker to the reporter as a console line with this prefix; the plugin
// hides such lines from Vitest's own reporters (onConsoleLog → false), the perfspec reporter renders them.
const PREFIX = '\u0000perfspec:progress:'

export function encodeProgress(progress: LoadProgress): string {
  return `${PREFIX}${JSON.stringify(progress)}`
}

export function isProgressLog(content: string): boolean {
  return content.startsWith(PREFIX)
}

/** The progress a console line carries, or undefined for any other line. */
export function decodeProgress(content: string): LoadProgress | undefined {
  if (!isProgressLog(content)) return undefined
  try {
    return JSON.parse(content.slice(PREFIX.length)) as LoadProgress
  } catch {
    return undefined
  }
}
