/**
 * An HTTPS endpoint in front of s3rver on 127.0.0.1, for clients that speak S3 over TLS only
 * (pgBackRest). A throwaway CA (openssl) signs a certificate for `localhost` and 127.0.0.1; a
 * node `tls` server terminates TLS and pipes each connection to s3rver's plain HTTP port.
 * Also issues client certificates from the same CA (pgBackRest's TLS server authenticates
 * clients by certificate CN).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as tls from 'tls';

export interface TestCa {
  readonly dir: string;
  /** CA certificate file (PEM). */
  readonly caFile: string;
  /** Issues a certificate signed by the CA; `sans` like `DNS:localhost`, `IP:127.0.0.1`. Returns cert and key files (key 0600). */
  issue(name: string, commonName: string, sans?: string[], usage?: 'server' | 'client'): { readonly certFile: string; readonly keyFile: string };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates `dir` with a fresh CA (RSA 2048, valid `days`, one by default); its certificates are valid as long. */
export function createTestCa(dir: string, days = 1): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', '/CN=throwaway-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  return {
    dir,
    caFile: f('ca.crt'),
    issue(name, commonName, sans = [], usage = 'server') {
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)]);
      const ext = [`extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`];
      if (sans.length > 0) ext.push(`subjectAltName=${sans.join(',')}`);
      fs.writeFileSync(f(`${name}.ext`), `${ext.join('\n')}\n`);
      openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', String(days),
        '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`)]);
      fs.chmodSync(f(`${name}.key`), 0o600);
      return { certFile: f(`${name}.crt`), keyFile: f(`${name}.key`) };
    },
  };
}

export interface TlsProxy {
  readonly port: number;
  stop(): Promise<void>;
}

/** A TLS server on 127.0.0.1 (ephemeral port) that forwards each connection to 127.0.0.1:`targetPort`. */
export function startTlsProxy(certFile: string, keyFile: string, targetPort: number): Promise<TlsProxy> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        port,
        stop: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
