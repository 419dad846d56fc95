import { createPrivateKey } from 'node:crypto'
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

const CANCELLED = 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED'

/**
 * Reads the client key as the engines will, so a key they cannot use is an option error before any load (a
 * wrong passphrase would otherwise fail every connection as the target's fault). The passphrase never goes
 * into a message.
 */
function checkKey(key: string, passphrase: string | undefined): void {
  try {
    createPrivateKey(passphrase === undefined ? key : { key, passphrase })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const reason = (error as Error).message
    // OpenSSL 3 asks for a missing passphrase through a callback Node does not give: "interrupted or cancelled".
    if (passphrase === undefined && (code === 'ERR_MISSING_PASSPHRASE' || code === CANCELLED))
      throw new InvalidOptionError('tls.passphrase', '`tls.key` is encrypted: give its `tls.passphrase`')
    if (passphrase !== undefined && code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new InvalidOptionError(
        'tls.passphrase',
        `The \`tls.passphrase\` option given does not decrypt \`tls.key\` (${reason})`,
      )
    }
    throw new InvalidOptionError(
      'tls.key',
      `Expected the \`tls.key\` option to be a private key in PEM that Node can read (${reason})`,
    )
  }
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
  if (resolved.key !== undefined) checkKey(resolved.key, resolved.passphrase)
  if (tls.servername !== undefined) resolved.servername = requireString('tls.servername', tls.servername)
  return resolved
}
