import type tls from 'node:tls'
import type { ResolvedLoadOptions } from '../../options/load-options.ts'
import type { Target } from './fast-request.ts'
import { tlsConnectOptions } from './tls-options.ts'
import { IDEMPOTENT_METHODS } from './unanswered.ts'

/** What a run's fast users know of their requests and connections, decided once. */
export interface ConnectionPolicy {
  /** The run's method may be sent again after a kept-alive connection closed before answering it. */
  idempotent: boolean
  maxHeadBytes: number
  /** node:tls options of an https target (built once: every connection of the run uses the same). */
  tls: tls.ConnectionOptions
}

function secureConnectOptions(target: Target, options: ResolvedLoadOptions): tls.ConnectionOptions {
  const secure: tls.ConnectionOptions = {
    host: target.host,
    port: target.port,
    ALPNProtocols: ['http/1.1'],
    ...tlsConnectOptions(options.tls),
  }
  if (secure.servername === undefined && target.servername !== undefined)
    secure.servername = target.servername
  return secure
}

/** The policy of a run's fast connections, built once per run. */
export function connectionPolicyOf(options: ResolvedLoadOptions, target: Target): ConnectionPolicy {
  return {
    idempotent: IDEMPOTENT_METHODS.has(options.method),
    maxHeadBytes: options.maxHeaderSize,
    tls: secureConnectOptions(target, options),
  }
}
