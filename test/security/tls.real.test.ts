/**
 * The TLS rules the library renders, proven on a real PostgreSQL 15: the pg_hba line
 * `hostnossl all all all reject` first (as HaPostgres renders it) and
 * `ssl_min_protocol_version` from the cluster spec, with a self-signed certificate; and a
 * real PgBouncer with the pool's `client_tls_sslmode`.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Chart, Testing } from 'cdk8s';
import { HaPostgres, PgBouncerPool } from '../../lib';
import { PgBouncerServer, startPgBouncer } from '../support/pgbouncer-server';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { PgServer, startPostgres } from '../support/postgres-server';
import { only, synth } from '../support/synth';

jest.setTimeout(60_000);

function psql(conninfo: string, sql: string, password = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(findBinary('psql') as string, ['-XAtq', '-d', conninfo, '-c', sql], { timeout: 20_000, env: { ...process.env, PGCONNECT_TIMEOUT: '10', PGPASSWORD: password } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout: String(stdout).trim(), stderr: String(stderr).trim() }));
  });
}

describeWithBinaries(['postgres', 'initdb', 'pg_ctl', 'psql', 'openssl', 'pgbouncer'], 'TLS required on a real PostgreSQL 15 and PgBouncer 1.18', () => {
  let server: PgServer | undefined;
  let bouncer: PgBouncerServer | undefined;
  const appPassword = randomBytes(12).toString('hex');
  let certDir = '';
  const spec = only(synth((c) => { new HaPostgres(c, 'db'); }), 'Cluster').spec;

  beforeAll(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(certDir, 'server.key'), '-out', path.join(certDir, 'server.crt')], { stdio: 'ignore' });
    fs.chmodSync(path.join(certDir, 'server.key'), 0o600);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      for (const f of [certDir, path.join(certDir, 'server.key'), path.join(certDir, 'server.crt')]) fs.chownSync(f, uid, gid);
    }
    server = await startPostgres({
      // The rendered rules, then initdb's `host … trust` lines (as CloudNativePG appends its own after ours).
      hba: spec.postgresql.pg_hba,
      parameters: {
        ssl: 'on',
        ssl_cert_file: path.join(certDir, 'server.crt'),
        ssl_key_file: path.join(certDir, 'server.key'),
        ssl_min_protocol_version: spec.postgresql.parameters.ssl_min_protocol_version,
        password_encryption: 'scram-sha-256',
      },
    });
    await server.query(`CREATE ROLE app LOGIN PASSWORD '${appPassword}'`);
    const secret = await server.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'app'");
    // The pool's own parameters (client_tls_sslmode require), plus what the engine wires: the
    // certificate, and TLS to PostgreSQL (CloudNativePG's operator does both).
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const pool = new PgBouncerPool(chart, 'pool', { cluster: new HaPostgres(chart, 'orders') });
    Testing.synth(chart);
    const { max_prepared_statements: _newerThan118, ...parameters } = pool.pgbouncerParameters();
    bouncer = await startPgBouncer({
      parameters: {
        ...parameters,
        pool_mode: pool.poolMode,
        client_tls_cert_file: path.join(certDir, 'server.crt'),
        client_tls_key_file: path.join(certDir, 'server.key'),
        server_tls_sslmode: 'require',
      },
      backendPort: server.port,
      database: 'postgres',
      users: { app: secret },
      adminUser: 'app',
    }, appPassword);
  });

  afterAll(async () => {
    await bouncer?.stop();
    await server?.stop();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  const conn = (extra: string) => `host=127.0.0.1 port=${server!.port} user=postgres dbname=postgres ${extra}`;

  test('the rendered rule and minimum are what is tested', () => {
    expect(spec.postgresql.pg_hba[0]).toBe('hostnossl all all all reject');
    expect(spec.postgresql.parameters.ssl_min_protocol_version).toBe('TLSv1.3');
  });

  test('a plain-text TCP connection is rejected by pg_hba', async () => {
    const r = await psql(conn('sslmode=disable'), 'select 1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/pg_hba\.conf rejects connection .*no encryption/);
  });

  test('a TLS 1.3 connection succeeds', async () => {
    const r = await psql(conn('sslmode=require'), 'select version from pg_stat_ssl where pid = pg_backend_pid()');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('TLSv1.3');
  });

  test('a client limited to TLS 1.2 is rejected', async () => {
    const r = await psql(conn('sslmode=require ssl_max_protocol_version=TLSv1.2'), 'select 1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/protocol version|SSL error|alert/i);
  });

  test('the pool refuses plain-text clients (client_tls_sslmode = require) and serves TLS clients', async () => {
    const pgb = (extra: string) => `host=127.0.0.1 port=${bouncer!.port} user=app dbname=postgres ${extra}`;
    expect((await psql(pgb('sslmode=disable'), 'select 1', appPassword)).stderr).toMatch(/SSL required/);
    const tls = await psql(pgb('sslmode=require'), 'select 1', appPassword);
    expect(tls.stderr).toBe('');
    expect(tls.stdout).toBe('1');
  });
});
