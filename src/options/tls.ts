import { InvalidOptionError } from '../foundation/errors.ts'
import type { TlsOptions } from '../foundation/types.ts'
import {
  fail,
  type KnownKeys,
  rejectUnknownKeys,
  requireBoolean,
  requireObject,
  requireString,
} from './validate.ts'

/** The `tls` option as the engines use it: PEM text (it crosses to worker threads as it is). */
export interface ResolvedTls {
  ca?: string[]
  cert?: string
  key?: string
  passphrase?: string
  rejectUnauthorized: boolean
  servername?: string
}

const TLS_KEYS = {
  ca: true,
  cert: true,
  key: true,
  passphrase: true,
  rejectUnauthorized: true,
  servername: true,
} as const satisfies KnownKeys<TlsOptions>

function requirePem(name: string, value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value
  if (typeof text !== 'string' || !text.includes('-----BEGIN '))
    fail(name, 'PEM text (a string or a Buffer)', value)
  return text
}

/** The run's TLS settings; undefined when `tls` is not given (the defaults: verify against Node's roots). */
export function resolveTls(value: unknown): ResolvedTls | undefined {
  if (value === undefined) return undefined
  const tls = requireObject(
    'tls',
    value,
    'an object { ca, cert, key, passphrase, rejectUnauthorized, servername }',
  )
  rejectUnknownKeys(tls, TLS_KEYS, 'tls.')
  const resolved: ResolvedTls = {
    rejectUnauthorized:
      tls.rejectUnauthorized === undefined
        ? true
        : requireBoolean('tls.rejectUnauthorized', tls.rejectUnauthorized),
  }
  if (tls.ca !== undefined) {
    const list: unknown[] = Array.isArray(tls.ca) ? tls.ca : [tls.ca]
    resolved.ca = list.map((ca, index) =>
      requirePem(Array.isArray(tls.ca) ? `tls.ca[${index}]` : 'tls.ca', ca),
    )
  }
  if (tls.cert !== undefined) resolved.cert = requirePem('tls.cert', tls.cert)
  if (tls.key !== undefined) resolved.key = requirePem('tls.key', tls.key)
  if ((resolved.cert === undefined) !== (resolved.key === undefined)) {
    throw new InvalidOptionError('tls', 'A client certificate needs both `tls.cert` and `tls.key`')
  }
  if (tls.passphrase !== undefined) resolved.passphrase = requireString('tls.passphrase', tls.passphrase)
  if (tls.servername !== undefined) resolved.servername = requireString('tls.servername', tls.servername)
  return resolved
}
