import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface KeyPair {
  key: string
  cert: string
}

/** A test CA and certificates it signed, made with the openssl CLI in a temp folder (removed after). */
export interface TestCertificates {
  ca: KeyPair
  /** For IP 127.0.0.1 and localhost. */
  server: KeyPair
  /** For 127.0.0.1, but its validity ended before it began. */
  expired: KeyPair
  /** For other.example only. */
  otherHost: KeyPair
  /** A client certificate (CN=perfspec-client); its key is encrypted with `clientPassphrase`. */
  client: KeyPair
  clientPassphrase: string
  /** A certificate that signs itself, for 127.0.0.1. */
  selfSigned: KeyPair
}

export const hasOpenssl = existsSync('/usr/bin/openssl')

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'perfspec-certs-'))
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: dir })
  const read = (name: string) => readFileSync(file(name), 'utf8')
  try {
    openssl(
      'req',
      '-x509',
      ...EC,
      '-nodes',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=perfspec test CA',
    )
    const signed = (
      name: string,
      subject: string,
      altNames: string | undefined,
      days: string,
      keyArgs: string[],
    ) => {
      openssl(
        'req',
        ...EC,
        ...keyArgs,
        '-keyout',
        file(`${name}.key`),
        '-out',
        file(`${name}.csr`),
        '-subj',
        subject,
      )
      const extra: string[] = []
      if (altNames !== undefined) {
        writeFileSync(file(`${name}.ext`), `subjectAltName=${altNames}\n`)
        extra.push('-extfile', file(`${name}.ext`))
      }
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-out',
        file(`${name}.pem`),
        '-days',
        days,
        ...extra,
      )
      return { key: read(`${name}.key`), cert: read(`${name}.pem`) }
    }
    const clientPassphrase = 'perfspec-test'
    const server = signed('server', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:localhost', '2', ['-nodes'])
    const expired = signed('expired', '/CN=127.0.0.1', 'IP:127.0.0.1', '-1', ['-nodes'])
    const otherHost = signed('other', '/CN=other.example', 'DNS:other.example', '2', ['-nodes'])
    const client = signed('client', '/CN=perfspec-client', undefined, '2', [
      '-passout',
      `pass:${clientPassphrase}`,
    ])
    openssl(
      'req',
      '-x509',
      ...EC,
      '-nodes',
      '-keyout',
      file('self.key'),
      '-out',
      file('self.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    )
    return {
      ca: { key: read('ca.key'), cert: read('ca.pem') },
      server,
      expired,
      otherHost,
      client,
      clientPassphrase,
      selfSigned: { key: read('self.key'), cert: read('self.pem') },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
