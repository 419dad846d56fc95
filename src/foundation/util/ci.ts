/** True when the CI variable says so (set and not empty, `0` or `false`), as CI services and Vitest read it. */
export function isCI(env: Record<string, string | undefined> = process.env): boolean {
  const ci = env['CI']
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false'
}
