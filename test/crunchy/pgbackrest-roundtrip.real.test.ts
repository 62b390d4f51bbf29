/**
 * The pgBackRest configuration of what the Crunchy engine EMITS for examples/crunchy: its
 * synthesized PostgresCluster (`spec.backups.pgbackrest`, `postgresVersion`, the WAL volume, the
 * archive_timeout in `patroni.dynamicConfiguration`) is mapped to PgBackRestSettings
 * (crunchy-pgbackrest-settings.ts), turned into the files PGO v6.0.3 writes
 * (pgbackrest-config.ts), and run with real pgBackRest (Debian's 2.45) against real PostgreSQL
 * (Debian's 15) and an S3 server on loopback (s3rver behind a TLS endpoint with a throwaway CA,
 * since pgBackRest speaks S3 over HTTPS only):
 *
 * - stanza-create, then `check`: PostgreSQL archives through the archive_command PGO sets, with
 *   the emitted archive_timeout, archive-async and spool-path;
 * - a full backup with the options of the emitted `full` schedule on the instance, a second full
 *   and a differential (the emitted `differential` schedule) as PGO v6's backup Jobs run them,
 *   with `pgbackrest_cloud.conf` through the instance's pgBackRest TLS server;
 * - the emitted retention (`repo1-retention-full 30`, type time) read by `expire`, which keeps all;
 *   then the same repository expired as seen 29 and 31 days later (pgBackRest and a second s3rver
 *   on the same data under libfaketime): at 29 days nothing goes, at 31 the first full goes and the
 *   second full (the oldest one a restore into the 30-day window needs) and its differential stay;
 * - a point-in-time restore with the options the engine emits in `dataSource.pgbackrest` for a
 *   new cluster restored to the target, plus the ones PGO's restore Job adds, run through bash as
 *   PGO runs it: started, it has exactly the rows committed before the target.
 *
 * The values replaced for one machine are asserted (replacedValues): the PostgreSQL major, the
 * port, the S3 endpoint, the key type (IRSA → keys from an s3.conf), the URI style and the CA
 * file; paths are the generator's local-path parameters; two environment variables
 * (PGBACKREST_CONFIG_PATH, PGBACKREST_LOCK_PATH) keep the machine's /etc/pgbackrest untouched.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { CrunchyChart } from '../../examples/crunchy/chart';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveSource, ClusterBootstrap, ClusterEngine, HaPostgres, PostgresVersion, RecoveryTarget, WalArchive,
} from '../../lib';
import { ConfigErrors } from '../../lib/core/config-error';
import { CrunchyPgBackRest, crunchyPgBackRestSettings } from '../../lib/engines/crunchy/crunchy-pgbackrest-settings';
import {
  PgBackRestLocalPaths, PgBackRestSettings, pgBackRestCloudConf, pgBackRestInstanceConf, pgBackRestPostgresParameters,
  pgBackRestRestoreOptions, pgBackRestS3CredentialOptions, pgBackRestScheduledBackups, pgBackRestServerConf,
} from '../../lib/engines/crunchy/pgbackrest-config';
import { S3RVER_ENV, S3rverHandle, startS3rver } from '../cli/archive/support/s3rver';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { quoteConfValue } from '../support/postgres-server';
import { freePort, killHard, ownForPostgres, postmasterPid, runProgram, RunResult, spawnLogged, waitFor } from '../support/processes';
import { createTestCa, startTlsProxy, TlsProxy } from '../support/s3-tls';

jest.setTimeout(120_000);

const CLUSTER_UID = '5f0c7a52-6a1e-4c1b-9d4e-2f8b7c9e1a30';

describeWithBinaries(['pgbackrest', 'postgres', 'initdb', 'pg_ctl', 'psql', 'openssl', 'faketime'],
  'pgBackRest with the configuration PGO writes: archive, backups, retention and point-in-time restore', () => {
    let root = '';
    let s3: S3rverHandle | undefined;
    let proxy: TlsProxy | undefined;
    let tlsServer: ChildProcess | undefined;
    const dataDirs: string[] = [];

    const pgCtl = findBinary('pg_ctl')!;
    const psqlBin = findBinary('psql')!;
    const pgbackrest = findBinary('pgbackrest')!;

    afterAll(async () => {
      for (const d of dataDirs) {
        await runProgram(pgCtl, ['-D', d, 'stop', '-m', 'immediate', '-w'], { asPostgres: true }).catch(() => undefined);
        killHard([postmasterPid(d)]);
      }
      if (tlsServer?.pid) killHard([tlsServer.pid]);
      await proxy?.stop();
      await s3?.stop();
      if (root && !process.env.KEEP_PGBACKREST_TEST) fs.rmSync(root, { recursive: true, force: true });
    });

    test('stanza-create, archive-push, full backups, expire, and a PITR with exactly the rows before the target', async () => {
      const LOCAL_MAJOR = Number(/(\d+)/.exec(execFileSync(findBinary('postgres')!, ['--version'], { encoding: 'utf8' }))![1]);
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbackrest-rt-'));
      const at = (...p: string[]) => path.join(root, ...p);
      s3 = await startS3rver(['acme-payments-pg-archive']);
      const ca = createTestCa(at('ca'));
      const s3Cert = ca.issue('s3', 'localhost', ['DNS:localhost', 'IP:127.0.0.1']);
      proxy = await startTlsProxy(s3Cert.certFile, s3Cert.keyFile, s3.port);

      // What the engine emits for examples/crunchy: its PostgresCluster, mapped to the settings PGO reads.
      const port = await freePort();
      const emitted = emittedPgBackRest();
      const e = emitted.settings!;
      // Only what cannot exist on one machine is replaced; everything else is the emitted value.
      const settings: PgBackRestSettings = {
        ...e,
        postgresVersion: LOCAL_MAJOR,
        port,
        repos: e.repos.map((r) => ({ ...r, s3: { ...r.s3, endpoint: `localhost:${proxy!.port}` } })),
        global: {
          ...e.global,
          'repo1-s3-key-type': 'shared',
          'repo1-s3-uri-style': 'path',
          'repo1-storage-ca-file': ca.caFile,
        },
      };
      expect(replacedValues(e, settings)).toEqual({
        'postgresVersion': [17, LOCAL_MAJOR], // Debian's PostgreSQL here; the example runs 17
        'port': [undefined, port], // PGO's 5432
        'repos[0].s3.endpoint': ['s3.eu-west-1.amazonaws.com', `localhost:${proxy.port}`], // s3rver behind the TLS endpoint
        'global.repo1-s3-key-type': ['web-id', 'shared'], // IRSA needs AWS STS; the keys come from s3.conf as a Secret projection gives them
        'global.repo1-s3-uri-style': ['host', 'path'], // no bucket subdomain on loopback
        'global.repo1-storage-ca-file': [undefined, ca.caFile], // the throwaway CA of the TLS endpoint
      });
      // The emitted values the run uses as they are.
      expect(settings.repos[0]).toMatchObject({ name: 'repo1', s3: { bucket: 'acme-payments-pg-archive', region: 'eu-west-1' },
        schedules: { full: '0 1 * * 0', differential: '0 2 * * *' } });
      expect(settings.global).toMatchObject({ 'repo1-path': '/crunchy/orders-db', 'repo1-retention-full': '30', 'repo1-retention-full-type': 'time',
        'compress-type': 'gz', 'process-max': '2' });
      expect(settings.walVolume).toBe(true);
      const local: PgBackRestLocalPaths = {
        dataDirectory: at('pgdata', 'pg15'),
        spoolPath: at('pgdata', 'pgbackrest-spool'),
        logPath: at('pgdata', 'pgbackrest', 'log'),
        socketDirectory: at('tmp-postgres'),
        walDirectory: at('pgdata', 'pg15_wal'),
      };
      for (const d of [local.spoolPath!, local.logPath!, local.socketDirectory!, at('lock'), at('job-log')]) fs.mkdirSync(d, { recursive: true });

      // The credentials Secret projected through spec.backups.pgbackrest.configuration (s3.conf).
      const credentials = `[global]\n${pgBackRestS3CredentialOptions('repo1').map((k, i) => `${k}=${i === 0 ? S3RVER_ENV.AWS_ACCESS_KEY_ID : S3RVER_ENV.AWS_SECRET_ACCESS_KEY}`).join('\n')}\n`;

      // The instance pod's /etc/pgbackrest/conf.d: the ConfigMap's instance and server files, the Secret.
      const serverPort = await freePort();
      const serverCert = ca.issue('instance', 'localhost', ['DNS:localhost'], 'server');
      const clientCert = ca.issue('client', `pgbackrest@${CLUSTER_UID}`, [], 'client');
      const instanceConf = pgBackRestInstanceConf(settings, local);
      writeConfDir(at('instance-etc'), {
        'pgbackrest_instance.conf': instanceConf,
        '~postgres-operator_server.conf': pgBackRestServerConf(CLUSTER_UID, {
          address: '127.0.0.1', port: serverPort, ca: ca.caFile, cert: serverCert.certFile, key: serverCert.keyFile,
        }),
        's3.conf': credentials,
      });
      // The backup Job's conf.d: the ConfigMap's cloud file and the same Secret.
      writeConfDir(at('job-etc'), {
        'pgbackrest_cloud.conf': pgBackRestCloudConf({ ...settings, jobsLogPath: at('job-log') }, {
          clusterName: 'orders-db', namespace: 'prod', instanceNames: ['orders-db-pg-x7k2'],
          hostOverride: 'localhost', hostPortOverride: serverPort,
          tlsFiles: { ca: ca.caFile, cert: clientCert.certFile, key: clientCert.keyFile },
        }, local),
        's3.conf': credentials,
      });
      ownForPostgres(root);

      const envFor = (etc: string) => ({ PGBACKREST_CONFIG_PATH: etc, PGBACKREST_LOCK_PATH: at('lock') });
      const instanceEnv = envFor(at('instance-etc'));
      const brInstance = (args: string[]) => runProgram(pgbackrest, args, { asPostgres: true, env: instanceEnv, timeoutMs: 90_000 });
      const brJob = (args: string[]) => runProgram(pgbackrest, args, { asPostgres: true, env: envFor(at('job-etc')), timeoutMs: 90_000 });

      // PostgreSQL as PGO lays it out: pg_wal a link to /pgdata/pg15_wal, the pgBackRest parameters exactly as emitted.
      // archive_mode, archive_command, restore_command are PGO's; archive_timeout is the engine's (dynamicConfiguration).
      const pgParams = { defaults: { archive_timeout: emitted.archiveParameters.archiveTimeout }, mandatory: emitted.archiveParameters.mandatory };
      expect(pgParams.mandatory).toEqual(pgBackRestPostgresParameters(settings).mandatory);
      expect(pgParams.mandatory.archive_command).toBe('pgbackrest --stanza=db archive-push "%p"');
      expect(emitted.archiveParameters).toMatchObject({ archiveTimeout: '5min', archiveTimeoutFromSpec: true });
      const init = await runProgram(findBinary('initdb')!, ['-D', local.dataDirectory!, `--waldir=${local.walDirectory}`,
        '-U', 'postgres', '--auth=trust', '--data-checksums', '-E', 'UTF8', '--locale=C', '--no-sync'], { asPostgres: true, timeoutMs: 90_000 });
      expectOk(init, 'initdb');
      fs.appendFileSync(path.join(local.dataDirectory!, 'postgresql.conf'), "\ninclude 'pgo.conf'\n");
      fs.writeFileSync(path.join(local.dataDirectory!, 'pgo.conf'), Object.entries({
        ...pgParams.defaults, ...pgParams.mandatory,
        listen_addresses: '', port: String(port), unix_socket_directories: local.socketDirectory!,
      }).map(([k, v]) => `${k} = ${quoteConfValue(v)}\n`).join(''));
      ownForPostgres(local.dataDirectory!);
      dataDirs.push(local.dataDirectory!);
      await startServer(local.dataDirectory!, instanceEnv, at('source.log'));
      const sql = (q: string) => psql(local.socketDirectory!, port, q);

      // stanza-create; `check` makes PostgreSQL archive a segment through archive_command and waits for it in the repo.
      expectOk(await brInstance([`--stanza=db`, 'stanza-create']), 'stanza-create');
      expectOk(await brInstance([`--stanza=db`, 'check']), 'check');
      // (the archiver reports the success a moment after the segment is in the repo)
      const archiver = await waitFor('pg_stat_archiver to count the archived segment', 15_000, async () => {
        const row = (await sql('SELECT archived_count, failed_count FROM pg_stat_archiver')).split('|');
        return Number(row[0]) > 0 ? row : undefined;
      });
      expect(archiver[1]).toBe('0');
      expect(await sql('SHOW archive_command')).toBe('pgbackrest --stanza=db archive-push "%p"');
      expect(await sql('SHOW archive_timeout')).toBe('5min');

      // The emitted schedule: a full on repo1, as `pgbackrest backup --stanza=db --repo=1 --type=full`.
      const full = pgBackRestScheduledBackups(settings).find((b) => b.type === 'full')!;
      expect(full.options).toEqual(['--stanza=db', '--repo=1', '--type=full']);
      await sql('CREATE TABLE orders (id int PRIMARY KEY, committed_at timestamptz NOT NULL DEFAULT clock_timestamp())');
      expectOk(await brInstance(['backup', ...full.options]), 'backup (instance)');
      const labels = async (): Promise<string[]> => {
        const info = JSON.parse(expectOk(await brInstance(['--stanza=db', '--output=json', 'info']), 'info').stdout);
        expect(info[0].status.code).toBe(0);
        return (info[0].backup as Array<{ label: string; type: string }>).map((b) => `${b.type}:${b.label}`);
      };
      const first = await labels();
      expect(first).toEqual([expect.stringMatching(/^full:\d{8}-\d{6}F$/)]);

      // The second full as a v6 Job does: cloud conf, through the instance's TLS server.
      tlsServer = spawnLogged(pgbackrest, ['server'], at('tls-server.log'), instanceEnv);
      await waitFor('the pgBackRest TLS server', 15_000, async () => ((await canConnect(serverPort)) ? true : undefined));
      expectOk(await brJob(['backup', ...full.options]), 'backup (job, through the TLS server)');

      // The Job logged to its own log path, and its backup reached PostgreSQL through pg1-host.
      const jobLog = fs.readFileSync(at('job-log', 'db-backup.log'), 'utf8');
      expect(jobLog).toContain('--pg1-host=localhost');
      expect(jobLog).toMatch(/new backup label = \d{8}-\d{6}F/);

      // The emitted differential schedule, as its Job runs it.
      const diff = pgBackRestScheduledBackups(settings).find((b) => b.type === 'diff')!;
      expect(diff).toMatchObject({ schedule: '0 2 * * *', options: ['--stanza=db', '--repo=1', '--type=diff'] });
      expectOk(await brJob(['backup', ...diff.options]), 'differential backup (job)');

      // Retention as emitted: repo1-retention-full 30 of type time. pgBackRest's expire reads exactly
      // those values, and keeps every backup of the last 30 days (all three here). An expiry by age
      // cannot be shown on loopback: s3rver refuses requests signed more than 15 minutes off its clock.
      expectOk(await brInstance(['--stanza=db', 'expire']), 'expire');
      const expireLog = fs.readFileSync(path.join(local.logPath!, 'db-expire.log'), 'utf8');
      expect(expireLog).toMatch(/expire command begin [^\n]*--repo1-retention-full=30 [^\n]*--repo1-retention-full-type=time/);
      const kept = await labels();
      expect(kept).toHaveLength(3);
      expect(kept[0]).toBe(first[0]);
      expect(kept.map((l) => l.split(':')[0])).toEqual(['full', 'full', 'diff']);

      // Rows around the recovery target, each committed on its own.
      for (const id of [1, 2, 3]) await sql(`INSERT INTO orders (id) VALUES (${id})`);
      const target = await sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '+00'");
      for (const id of [4, 5, 6]) await sql(`INSERT INTO orders (id) VALUES (${id})`);
      const segment = await sql('SELECT pg_walfile_name(pg_switch_wal())');
      await waitFor(`segment ${segment} archived`, 30_000, async () =>
        ((await sql('SELECT coalesce(last_archived_wal, \'\') FROM pg_stat_archiver')) >= segment ? true : undefined));
      await runProgram(pgCtl, ['-D', local.dataDirectory!, 'stop', '-m', 'fast', '-w'], { asPostgres: true });

      // PITR into a fresh data directory with the options PGO's restore Job passes, through bash as PGO does.
      const restored: PgBackRestLocalPaths = { ...local, dataDirectory: at('restored', 'pg15'), walDirectory: at('restored', 'pg15_wal') };
      fs.mkdirSync(restored.dataDirectory!, { recursive: true, mode: 0o700 });
      ownForPostgres(at('restored'));
      // The restore options the engine emits for a point-in-time bootstrap to the target, from the source's repository.
      const ds = emittedRestore(target);
      expect(ds.global['repo1-path']).toBe(settings.global!['repo1-path']);
      expect(ds.options).toEqual(['--type=time', `--target="${target}"`]);
      const opts = pgBackRestRestoreOptions(settings, { repoName: ds.repo.name, options: ds.options, stanza: ds.stanza }, restored);
      expect(opts.slice(2)).toEqual(['--stanza=db', `--pg1-path=${restored.dataDirectory}`, '--repo=1', '--delta',
        '--target-action=promote', `--link-map=pg_wal=${restored.walDirectory}`]);
      // config.go RestoreCommand, lines 261-269: `bash -ceu -- <script> - <pgdata> <opts joined by spaces>`
      const script = 'declare -r PGDATA="$1" opts="$2"; export PGDATA\nrm -f "${PGDATA}/postmaster.pid"\nbash -xc "pgbackrest restore ${opts}"';
      expectOk(await runProgram('bash', ['-ceu', '--', script, '-', restored.dataDirectory!, opts.join(' ')],
        { asPostgres: true, env: instanceEnv, timeoutMs: 90_000 }), 'restore');
      expect(fs.realpathSync(path.join(restored.dataDirectory!, 'pg_wal'))).toBe(restored.walDirectory);

      // Start it (as PGO's restore script does: no archiving to the repo while it recovers) and wait for the promotion.
      dataDirs.push(restored.dataDirectory!);
      await startServer(restored.dataDirectory!, instanceEnv, at('restored.log'), ['-c', 'archive_command=false']);
      const rsql = (q: string) => psql(local.socketDirectory!, port, q);
      await waitFor('the restored server to finish recovery', 30_000, async () =>
        ((await rsql('SELECT pg_is_in_recovery()').catch(() => 't')) === 'f' ? true : undefined), 250);
      expect(await rsql('SELECT string_agg(id::text, \',\' ORDER BY id) FROM orders')).toBe('1,2,3');
      expect(await rsql('SELECT count(*) FROM orders WHERE committed_at > ' + `'${target}'::timestamptz`)).toBe('0');
      expect(await rsql('SELECT timeline_id FROM pg_control_checkpoint()')).not.toBe('1');

      // Retention by age with the emitted repo1-retention-full 30 (type time): the same repository
      // expired as seen `days` later. pgBackRest runs under libfaketime, and so does a second s3rver
      // on the same data directory (s3rver refuses requests signed more than 15 minutes off its
      // clock); its TLS endpoint has a certificate valid for a year, since pgBackRest checks the
      // certificate's dates against the faked clock too.
      const faketime = findBinary('faketime')!;
      const yearCa = createTestCa(at('ca-year'), 365);
      const yearCert = yearCa.issue('s3', 'localhost', ['DNS:localhost', 'IP:127.0.0.1']);
      const expireLater = async (days: number): Promise<string[]> => {
        const laterPort = await freePort();
        const bin = require.resolve('s3rver/bin/s3rver.js');
        // Its own process group: faketime runs node as a child, and both are stopped together.
        const later = spawn(faketime, ['-f', `+${days}d`, process.execPath, '--openssl-legacy-provider', bin,
          '-d', s3!.directory, '-a', '127.0.0.1', '-p', String(laterPort), '--silent'], { stdio: 'ignore', detached: true });
        let laterProxy: TlsProxy | undefined;
        try {
          await waitFor(`s3rver at +${days} days`, 15_000, async () => ((await canConnect(laterPort)) ? true : undefined));
          laterProxy = await startTlsProxy(yearCert.certFile, yearCert.keyFile, laterPort);
          const faked = await runProgram(faketime, ['-f', `+${days}d`, pgbackrest, '--stanza=db', 'expire',
            `--repo1-s3-endpoint=localhost:${laterProxy.port}`, `--repo1-storage-ca-file=${yearCa.caFile}`], { asPostgres: true, env: instanceEnv, timeoutMs: 90_000 });
          expectOk(faked, `expire at +${days} days`);
        } finally {
          await laterProxy?.stop();
          try { process.kill(-later.pid!, 'SIGKILL'); } catch { /* gone */ }
        }
        return labels(); // read back at the real time, through the first s3rver (same data directory)
      };
      const beforeAge = await labels();
      expect(beforeAge.map((l) => l.split(':')[0])).toEqual(['full', 'full', 'diff']);
      // 29 days on: no full backup is 30 days old yet, so none may go.
      expect(await expireLater(29)).toEqual(beforeAge);
      // 31 days on: the second full is older than 30 days, so the first full is no longer needed for
      // any point in the window and goes; the second full stays as the start of the 30-day window,
      // with its differential.
      expect(await expireLater(31)).toEqual(beforeAge.slice(1));
      const runs = fs.readFileSync(path.join(local.logPath!, 'db-expire.log'), 'utf8').split('-------------------PROCESS START-------------------').slice(-2);
      for (const run of runs) expect(run).toMatch(/--repo1-retention-full=30 [^\n]*--repo1-retention-full-type=time/);
      expect(runs[0]).not.toMatch(/expire time-based backup/);
      expect(runs[1]).toMatch(new RegExp(`repo1: expire time-based backup ${beforeAge[0].split(':')[1]}\n`));
      expect(runs[1].match(/expire time-based backup/g)).toHaveLength(1);
    });

    async function startServer(dataDir: string, env: NodeJS.ProcessEnv, log: string, options: string[] = []): Promise<void> {
      const args = ['-D', dataDir, '-l', log, '-w', '-t', '60', 'start'];
      if (options.length > 0) args.push('-o', options.join(' '));
      const r = await runProgram(pgCtl, args, { asPostgres: true, env, timeoutMs: 90_000 });
      if (r.code !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : ''}`);
    }

    async function psql(socketDir: string, port: number, q: string): Promise<string> {
      const r = await runProgram(psqlBin, ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', q],
        { asPostgres: true });
      if (r.code !== 0) throw new Error(`psql ${JSON.stringify(q)}: ${r.stderr.trim()}`);
      return r.stdout.trim();
    }
  });

/** The PostgresCluster of examples/crunchy, as synthesized, mapped to what PGO's pgBackRest reads. */
function emittedPgBackRest(): CrunchyPgBackRest {
  const manifests = Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'));
  const cluster = manifests.find((m) => m.kind === 'PostgresCluster');
  const errors = new ConfigErrors();
  const mapped = crunchyPgBackRestSettings(errors, cluster.spec);
  expect(errors.messages).toEqual([]);
  return mapped;
}

/** `spec.dataSource.pgbackrest` the engine emits for a new cluster restored from the example's repository to `target`. */
function emittedRestore(target: string): { stanza: string; repo: { name: string }; global: { [k: string]: string }; options: string[] } {
  const app = Testing.app();
  const chart = new Chart(app, 'restore', { namespace: 'payments', disableResourceNameHashes: true });
  const destination = ArchiveDestination.s3({ bucket: 'acme-payments-pg-archive', path: 'crunchy', region: 'eu-west-1' });
  const credentials = ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-db-pgbackrest');
  const db = new HaPostgres(chart, 'orders-db-restored', {
    engine: ClusterEngine.crunchy(),
    version: PostgresVersion.V17,
    bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromProps({ serverName: 'orders-db', destination, credentials }), RecoveryTarget.time(target)),
  });
  // The new cluster's own archive (another path), with the example's credentials kind: the same IAM role.
  new WalArchive(chart, 'archive', { cluster: db, destination: ArchiveDestination.s3({ bucket: 'acme-payments-pg-archive', path: 'restored', region: 'eu-west-1' }),
    credentials });
  const cluster = Testing.synth(chart).find((m) => m.kind === 'PostgresCluster');
  return cluster.spec.dataSource.pgbackrest;
}

/** The fields whose values differ between the emitted and the local settings: path → [emitted, local]. */
function replacedValues(emitted: object, local: object): { [path: string]: [unknown, unknown] } {
  const flat = (o: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> => {
    if (o !== null && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) flat(v, Array.isArray(o) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k, out);
    } else out.set(prefix, o);
    return out;
  };
  const a = flat(emitted, '', new Map());
  const b = flat(local, '', new Map());
  const out: { [path: string]: [unknown, unknown] } = {};
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) out[k] = [a.get(k), b.get(k)];
  return out;
}

function writeConfDir(etc: string, files: { [name: string]: string }): void {
  fs.mkdirSync(path.join(etc, 'conf.d'), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(etc, 'conf.d', name), text, { mode: 0o600 });
}

function expectOk(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}
