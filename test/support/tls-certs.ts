/**
 * A throwaway CA and a server certificate for a DNS name (as CloudNativePG's operator issues
 * for `<cluster>-rw`), with openssl, so clients can connect with sslmode verify-full.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ownForPostgres } from './processes';

export interface ServerCertificate {
  /** CA certificate (PEM), what a client's sslrootcert holds. */
  readonly caPem: string;
  /** Server certificate and key files, owned by postgres (key 0600). */
  readonly certFile: string;
  readonly keyFile: string;
}

/** Creates `dir` with a CA and a certificate for `dnsNames` signed by it. */
export function issueServerCertificate(dir: string, dnsNames: string[]): ServerCertificate {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test-ca', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${dnsNames[0]}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
  fs.writeFileSync(f('ext.cnf'), `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}\n`);
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.crt')]);
  fs.chmodSync(f('server.key'), 0o600);
  ownForPostgres(dir);
  return { caPem: fs.readFileSync(f('ca.crt'), 'utf8'), certFile: f('server.crt'), keyFile: f('server.key') };
}
