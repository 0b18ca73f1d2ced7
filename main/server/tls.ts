/**
 * HTTPS for a server reached from other machines (a kiosk on the shop floor). On a network, plain
 * HTTP would carry the sign-in secret and the session token in clear text, and let signed requests
 * be replayed. The certificate is the user's (`--cert`/`--key`) or one Loupe makes for the names
 * it serves and keeps in its home (key readable by its owner only); clients pin it by the SHA-256
 * fingerprint `loupe serve` prints. Node's crypto reads X.509 but cannot sign it: `selfsigned`
 * makes the certificate.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsIdentity {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex, as browsers and `openssl x509 -fingerprint` show it. */
  fingerprint: string;
  /** Host names and addresses the certificate is good for. */
  names: string[];
}

const VALID_DAYS = 397;

/** The names a server bound to `host` is reached under: the machine's name and addresses, and loopback. */
export function servedNames(host: string): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  if (!wildcard) names.add(host.replace(/^\[|\]$/g, ''));
  const machine = hostname().toLowerCase();
  if (machine) {
    names.add(machine);
    if (!machine.includes('.')) names.add(`${machine}.local`);
  }
  if (wildcard) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) {
        if (!address.address.startsWith('fe80:')) names.add(address.address);
      }
    }
  }
  return [...names];
}

/** The user's certificate and key (PEM files). */
export function readTlsIdentity(certFile: string, keyFile: string): TlsIdentity {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const x509 = new X509Certificate(cert);
  return { key, cert, fingerprint: x509.fingerprint256, names: subjectNames(x509) };
}

/** Loupe's own certificate for `names`, made once and made again when it no longer covers them or expires soon. */
export async function loadOrCreateTlsIdentity(home: string, names: string[]): Promise<TlsIdentity> {
  const folder = join(home, 'tls');
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const identity = readTlsIdentity(certFile, keyFile);
    const x509 = new X509Certificate(identity.cert);
    const freshMs = Date.parse(x509.validTo) - Date.now();
    if (freshMs > 7 * 86_400_000 && names.every((name) => covers(x509, name))) return identity;
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: names.find((n) => !isIP(n) && n !== 'localhost') ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o600 });
  return readTlsIdentity(certFile, keyFile);
}

function covers(x509: X509Certificate, name: string): boolean {
  return isIP(name) ? x509.checkIP(name) !== undefined : x509.checkHost(name) !== undefined;
}

function subjectNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '')
    .split(', ')
    .map((part) => part.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
}
