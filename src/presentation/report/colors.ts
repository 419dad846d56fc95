import pc from 'picocolors'
import type { Colors } from 'picocolors/types.js'

/**
 * Whether output to `stream` gets colors: never with `NO_COLOR` (no-color.org), always with `FORCE_COLOR`
 * (other than 0 or false), else only on a terminal that isn't `TERM=dumb`: a piped or redirected
 * log stays free of escape codes.
 */
export function shouldUseColors(
  env: Record<string, string | undefined>,
  stream: { isTTY?: boolean },
): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false
  const force = env['FORCE_COLOR']
  if (force !== undefined) return force !== '0' && force !== 'false'
  return stream.isTTY === true && env['TERM'] !== 'dumb'
}

/** picocolors' palette, on or off as `shouldUseColors` decides. */
export function createReportColors(
  env: Record<string, string | undefined> = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): Colors {
  return pc.createColors(shouldUseColors(env, stream))
}
