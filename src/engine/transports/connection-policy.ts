import type tls from 'node:tls'
import type { NativeOptions } from '../../options/native.ts'
import type { ResolvedRequest } from '../../options/request.ts'
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

function secureConnectOptions(target: Target, request: ResolvedRequest): tls.ConnectionOptions {
  const secure: tls.ConnectionOptions = {
    host: target.host,
    port: target.port,
    ALPNProtocols: ['http/1.1'],
    ...tlsConnectOptions(request.tls),
  }
  if (secure.servername === undefined && target.servername !== undefined)
    secure.servername = target.servername
  return secure
}

/** The policy of a run's fast connections, built once per run. */
export function connectionPolicyOf(
  request: ResolvedRequest,
  native: NativeOptions,
  target: Target,
): ConnectionPolicy {
  return {
    idempotent: IDEMPOTENT_METHODS.has(request.method),
    maxHeadBytes: native.maxHeaderSize,
    tls: secureConnectOptions(target, request),
  }
}
