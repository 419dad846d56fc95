import type tls from 'node:tls'
import type { ResolvedTls } from '../../options/tls.ts'

/**
 * The `tls` option as node:tls connection options (both transports: undici's `connect`, the fast
 * transport's `tls.connect`). Without `tls`, Node's defaults: verify against its root certificates.
 */
export type TlsSettings = Pick<
  tls.ConnectionOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'rejectUnauthorized' | 'servername'
>

export function tlsConnectOptions(resolved: ResolvedTls | undefined): TlsSettings {
  if (resolved === undefined) return {}
  const options: TlsSettings = { rejectUnauthorized: resolved.rejectUnauthorized }
  if (resolved.ca !== undefined) options.ca = resolved.ca
  if (resolved.cert !== undefined) options.cert = resolved.cert
  if (resolved.key !== undefined) options.key = resolved.key
  if (resolved.passphrase !== undefined) options.passphrase = resolved.passphrase
  if (resolved.servername !== undefined) options.servername = resolved.servername
  return options
}
