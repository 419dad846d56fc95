import type { NativeTransport } from '../../foundation/types.ts'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
import type { JourneyTransportFactory } from '../journey/connection.ts'
import { fastJourneyTransport } from '../journey/fast-journey-connection.ts'
import type { UserFactory } from '../run-state.ts'
import { FastUser } from './fast-user.ts'

/** Builds, once per run, what a transport's users share, and returns the factory of its users. */
export type TransportFactory = (request: ResolvedRequest, native: NativeOptions) => UserFactory

/**
 * A transport of the native engine: the run's users (one URL, pipelined) and journey users (one request
 * at a time) on the same connection primitive (FastConnection, UndiciConnection).
 */
export interface Transport {
  users: TransportFactory
  journeys: JourneyTransportFactory
}

/**
 * The native engine's transports by their `transport` name, each loaded when a run asks for it: undici costs
 * ~80 ms of CPU to load, which a run on the fast transport (the default) does not pay. `satisfies` ties the
 * registry to the public `NativeTransport` type: a name without a transport, or a transport without a name,
 * does not compile.
 */
export const TRANSPORTS = {
  undici: async () => {
    const [users, journeys] = await Promise.all([
      import('./undici-user.ts'),
      import('../journey/undici-journey-connection.ts'),
    ])
    return { users: users.UndiciUser.factory, journeys: journeys.undiciJourneyTransport }
  },
  fast: async () => ({ users: FastUser.factory, journeys: fastJourneyTransport }),
} as const satisfies Record<NativeTransport, () => Promise<Transport>>

/** The transport a run's options name: chosen once per run, not per request. */
export function loadTransport(transport: NativeTransport): Promise<Transport> {
  return TRANSPORTS[transport]()
}

/** The factory of the run's virtual users on its transport. */
export async function loadUserFactory(request: ResolvedRequest, native: NativeOptions): Promise<UserFactory> {
  return (await loadTransport(native.transport)).users(request, native)
}
