import type { ResolvedLoadOptions } from '../../options.ts'
import type { NativeTransport } from '../../types.ts'
import type { UserFactory } from '../run-state.ts'
import { FastUser } from './fast-user.ts'
import { UndiciUser } from './undici-user.ts'

/** Builds, once per run, what a transport's users share, and returns the factory of its users. */
export type TransportFactory = (options: ResolvedLoadOptions) => UserFactory

/**
 * The native engine's transports by their `transport` name. `satisfies` ties the registry to the public
 * `NativeTransport` type: a name without a transport, or a transport without a name, does not compile.
 */
export const TRANSPORTS = {
  undici: UndiciUser.factory,
  fast: FastUser.factory,
} as const satisfies Record<NativeTransport, TransportFactory>

/** The factory of the run's virtual users on its transport: chosen once per run, not per request. */
export function userFactoryFor(options: ResolvedLoadOptions): UserFactory {
  return TRANSPORTS[options.transport](options)
}
