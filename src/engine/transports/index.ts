import type { NativeTransport } from '../../foundation/types.ts'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import type { UserFactory } from '../run-state.ts'
import { FastUser } from './fast-user.ts'

/** Builds, once per run, what a transport's users share, and returns the factory of its users. */
export type TransportFactory = (request: ResolvedRequest, native: NativeOptions) => UserFactory

/**
 * The native engine's transports by their `transport` name, each loaded when a run asks for it: undici costs
 * ~80 ms of CPU to load, which a run on the fast transport (the default) does not pay. `satisfies` ties the
 * registry to the public `NativeTransport` type: a name without a transport, or a transport without a name,
 * does not compile.
 */
export const TRANSPORTS = {
  undici: async () => (await import('./undici-user.ts')).UndiciUser.factory,
  fast: async () => FastUser.factory,
} as const satisfies Record<NativeTransport, () => Promise<TransportFactory>>

/** The factory of the run's virtual users on its transport: chosen once per run, not per request. */
export async function loadUserFactory(request: ResolvedRequest, native: NativeOptions): Promise<UserFactory> {
  return (await TRANSPORTS[native.transport]())(request, native)
}
