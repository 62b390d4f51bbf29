/**
 * WalArchive, ScheduledBackup and recovery on the Patroni engine, with real software on
 * loopback: etcd, Patroni 3.0.2 and PostgreSQL 15, barman-cloud 3.4 and s3rver.
 *
 * 1. A one-member cluster runs the emitted patroni.yml (archive_command as emitted: only
 *    addresses, paths, DCS and test passwords are rewritten); its S3 credentials are the
 *    environment the StatefulSet declares, filled from a stand-in of the Secret.
 * 2. The emitted backup script (the CronJob's ConfigMap) runs with a stand-in `kubectl`
 *    that answers the pod listing and runs the `kubectl exec` command line as the member
 *    would: barman-cloud-backup, then barman-cloud-backup-delete.
 * 3. Rows before and after a recovery time; WAL is switched and archived.
 * 4. A second cluster restored with ClusterBootstrap.pointInTime runs the emitted custom
 *    bootstrap (restore script + recovery_conf) under real Patroni: the rows before the
 *    target are there, the rows after it are not.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ArchiveSource, BackupSchedule, ClusterBootstrap, ClusterEngine, ClusterMode, HaPostgres,
  HaPostgresProps, PatroniVersion, PostgresVersion, RecoveryTarget, ScheduledBackup, WalArchive,
} from '../../lib';
import { S3RVER_ENV, S3rverHandle, startS3rver } from '../cli/archive/support/s3rver';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { podEnvironment, validatePatroniConfig } from '../support/patroni-validate';
import { emittedPatroni, localMemberConfig, TEST_PASSWORDS } from '../support/patroni-local-config';
import {
  childPids, freePort, httpRequest, killHard, ownForPostgres, postgresIds, postmasterPid, sleep, spawnLogged, waitFor,
} from '../support/processes';
import { only } from '../support/synth';
import { byName } from './patroni-fixtures';

const BUCKET = 'acme-pg-archive';
const SECRET = 'orders-s3';
/** What the stand-in of Secret `orders-s3` holds (s3rver checks only the access key id). */
const SECRET_DATA: { [key: string]: string } = { ACCESS_KEY_ID: S3RVER_ENV.AWS_ACCESS_KEY_ID, ACCESS_SECRET_KEY: S3RVER_ENV.AWS_SECRET_ACCESS_KEY };

function clusterProps(props: HaPostgresProps): HaPostgresProps {
  return {
    engine: ClusterEngine.patroni({ version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni' }),
    mode: ClusterMode.standalone(),
    version: PostgresVersion.of(15, 18),
    credentials: AppCredentials.fromSecret('orders-app'),
    tls: { allowPlainTextReason: 'loopback test without certificates' },
    resources: { memoryRequest: Size.gibibytes(1) },
    storage: { size: Size.gibibytes(10) },
    walStorage: { size: Size.gibibytes(4) },
    ...props,
  };
}

function destination(endpoint: string): ArchiveDestination {
  return ArchiveDestination.s3({ bucket: BUCKET, path: 'prod', region: 'us-east-1', endpoint });
}

/** The archived cluster `orders` with a daily backup. */
function sourceManifests(endpoint: string): any[] {
  const chart = new Chart(Testing.app(), 'src', { namespace: 'db', disableResourceNameHashes: true });
  const db = new HaPostgres(chart, 'orders', clusterProps({}));
  const archive = new WalArchive(chart, 'archive', { cluster: db, destination: destination(endpoint), credentials: ArchiveCredentials.fromSecret(SECRET) });
  new ScheduledBackup(chart, 'nightly', { archive, schedule: BackupSchedule.daily({ hour: 2 }) });
  return Testing.synth(chart);
}

/** `orders-copy`, restored from the archive of `orders` to `time`. */
function restoredManifests(endpoint: string, time: string): any[] {
  const chart = new Chart(Testing.app(), 'copy', { namespace: 'db', disableResourceNameHashes: true });
  const source = ArchiveSource.fromProps({ destination: destination(endpoint), credentials: ArchiveCredentials.fromSecret(SECRET), serverName: 'orders' });
  new HaPostgres(chart, 'orders-copy', clusterProps({ bootstrap: ClusterBootstrap.pointInTime(source, RecoveryTarget.time(time)) }));
  return Testing.synth(chart);
}

/** The environment a pod gets from the StatefulSet's archive entries: Secret keys filled in, values as given. */
function archiveEnvOf(manifests: any[]): { [name: string]: string } {
  const env: { [name: string]: string } = {};
  for (const e of only(manifests, 'StatefulSet').spec.template.spec.containers[0].env) {
    if (e.valueFrom?.secretKeyRef?.name === SECRET) env[e.name] = SECRET_DATA[e.valueFrom.secretKeyRef.key];
    else if (e.value !== undefined && !e.name.startsWith('PATRONI_')) env[e.name] = e.value;
  }
  return env;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

interface Member { name: string; dir: string; pgPort: number; restPort: number; configFile: string; config: any; pid?: number }

describeWithBinaries(
  ['patroni', 'etcd', 'pg_ctl', 'psql', 'barman-cloud-wal-archive', 'barman-cloud-backup', 'barman-cloud-backup-list', 'barman-cloud-restore', '/usr/bin/python3'],
  'Patroni WalArchive, ScheduledBackup and point-in-time recovery (real Patroni, PostgreSQL 15, barman-cloud, s3rver)',
  () => {
    let s3: S3rverHandle;
    let root: string;
    let etcdPid: number | undefined;
    const members: Member[] = [];
    const binDir = path.dirname(fs.realpathSync(findBinary('pg_ctl') as string));
    const psql = findBinary('psql') as string;
    const started = Date.now();
    const r: {
      source?: any[]; restored?: any[]; backupRun?: { code: number; out: string }; shimCalls?: string[]; backupList?: string;
      walKeys?: string[]; switchedSegment?: string; target?: string; counts?: string; restoredTimeline?: string;
      validate?: { code: number; out: string }; validateSource?: { code: number; out: string };
      pgWalLink?: string; restoredDir?: string;
    } = {};

    const sql = (m: Member, query: string, user = 'app', db = 'app') => run(psql, ['-XAtq', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(m.pgPort), '-U', user, '-d', db, '-c', query],
      { PATH: process.env.PATH, PGPASSWORD: user === 'app' ? TEST_PASSWORDS.app : TEST_PASSWORDS.superuser, PGCONNECT_TIMEOUT: '3' });
    const mustSql = async (m: Member, query: string, user?: string, db?: string) => {
      const res = await sql(m, query, user, db);
      if (res.code !== 0) throw new Error(`${query}: ${res.out}`);
      return res.out.trim();
    };

    /** Starts one Patroni member with the emitted configuration (rewritten for loopback) and waits until it leads. */
    async function startMember(manifests: any[], etcdPort: number, rewrite: (cfg: any, m: Member) => void = () => undefined): Promise<Member> {
      const emitted = emittedPatroni(manifests);
      const name = `${emitted.clusterName}-0`;
      const dir = path.join(root, name);
      for (const sub of ['data', 'wal', 'run']) fs.mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o700 });
      const postBootstrap = path.join(dir, 'post-bootstrap.sh');
      fs.writeFileSync(postBootstrap, emitted.postBootstrapScript);
      const m: Member = { name, dir, pgPort: await freePort(), restPort: await freePort(), configFile: path.join(dir, 'patroni.yml'), config: undefined };
      m.config = localMemberConfig(emitted.config, { name, pgPort: m.pgPort, restPort: m.restPort, dir, etcdPort, binDir, postBootstrapScriptPath: postBootstrap });
      rewrite(m.config, m);
      fs.writeFileSync(m.configFile, stringify(m.config));
      ownForPostgres(dir);
      const env = { HOME: dir, PATH: process.env.PATH, APP_PASSWORD: TEST_PASSWORDS.app, ...archiveEnvOf(manifests) };
      m.pid = spawnLogged(findBinary('patroni') as string, [m.configFile], path.join(dir, 'patroni.log'), env).pid;
      members.push(m);
      try {
        await waitFor(`${name} to lead`, 60_000, async () => ((await httpRequest(m.restPort, 'GET', '/primary')).status === 200 ? true : undefined), 200);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- patroni.log ---\n${fs.readFileSync(path.join(dir, 'patroni.log'), 'utf8').slice(-4000)}`);
      }
      return m;
    }

    beforeAll(async () => {
      s3 = await startS3rver([BUCKET]);
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-archive-'));
      fs.chmodSync(root, 0o755);
      const etcdPort = await freePort();
      const etcdPeer = await freePort();
      etcdPid = spawnLogged(findBinary('etcd') as string, [
        '--name', 'archive', '--data-dir', path.join(root, 'etcd'),
        '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
        '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster', `archive=http://127.0.0.1:${etcdPeer}`, '--listen-metrics-urls', `http://127.0.0.1:${await freePort()}`,
      ], path.join(root, 'etcd.log'), {}, false).pid;
      await waitFor('etcd', 20_000, async () => ((await httpRequest(etcdPort, 'GET', '/health')).status === 200 ? true : undefined));

      // 1. the archived cluster
      r.source = sourceManifests(s3.endpoint);
      const src = await startMember(r.source, etcdPort);
      await mustSql(src, 'CREATE TABLE orders (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())');
      await mustSql(src, 'INSERT INTO orders (id) SELECT generate_series(1, 100)');
      // Few dirty buffers, so the backup's spread checkpoint (no --immediate-checkpoint) is short.
      await mustSql(src, 'CHECKPOINT', 'postgres', 'postgres');

      // 2. the emitted backup script, with a stand-in kubectl that runs `kubectl exec` in the member
      const script = byName(r.source, 'ConfigMap', 'orders-backup').data['backup.sh']
        .split('/var/run/postgresql').join(path.join(src.dir, 'run'))
        .replace(' -p 5432 ', ` -p ${src.pgPort} `);
      const shimDir = path.join(root, 'shim');
      fs.mkdirSync(shimDir);
      const memberEnv = { ...archiveEnvOf(r.source), PATRONI_SUPERUSER_PASSWORD: TEST_PASSWORDS.superuser, HOME: '/tmp', PATH: '/usr/bin:/bin' };
      const asMember = postgresIds() ? 'runuser -u postgres -- ' : '';
      fs.writeFileSync(path.join(shimDir, 'kubectl'), [
        '#!/bin/bash',
        'echo "kubectl $*" >> "$SHIM_LOG"',
        'case "$1" in',
        // A standby that is not Ready (skipped), and the leader (role label of Patroni 3.0).
        '  get) case "$*" in *role=replica*) echo "orders-1 False" ;; *role=master*) echo "orders-0 True" ;; esac ;;',
        '  exec) [ "$2" = orders-0 ] && [ "$3" = -c ] && [ "$4" = patroni ] && [ "$5" = -- ] || { echo "unexpected exec: $*" >&2; exit 2; }',
        '    shift 5',
        `    exec ${asMember}env -i ${Object.entries(memberEnv).map(([k, v]) => `${k}=${v}`).join(' ')} "$@" ;;`,
        '  *) echo "unexpected kubectl call: $*" >&2; exit 2 ;;',
        'esac',
        '',
      ].join('\n'), { mode: 0o755 });
      fs.writeFileSync(path.join(shimDir, 'backup.sh'), script);
      const shimLog = path.join(root, 'kubectl.log');
      r.backupRun = await run('/bin/bash', [path.join(shimDir, 'backup.sh'), '0'], { PATH: `${shimDir}:${process.env.PATH}`, SHIM_LOG: shimLog }, 120_000);
      r.shimCalls = fs.existsSync(shimLog) ? fs.readFileSync(shimLog, 'utf8').trim().split('\n') : [];
      const list = await run(findBinary('barman-cloud-backup-list') as string, ['--endpoint-url', s3.endpoint, `s3://${BUCKET}/prod`, 'orders'], { ...process.env, ...S3RVER_ENV });
      r.backupList = list.out;

      // 3. rows around the recovery target, then WAL switched and archived
      await mustSql(src, 'INSERT INTO orders (id) SELECT generate_series(101, 200)');
      await sleep(1200);
      r.target = new Date().toISOString();
      await sleep(1200);
      await mustSql(src, 'INSERT INTO orders (id) SELECT generate_series(201, 300)');
      r.switchedSegment = await mustSql(src, 'SELECT pg_walfile_name(pg_switch_wal())', 'postgres', 'postgres');
      await waitFor(`segment ${r.switchedSegment} to be archived`, 30_000, async () => {
        const last = await mustSql(src, 'SELECT coalesce(last_archived_wal, \'\') FROM pg_stat_archiver', 'postgres', 'postgres');
        return last >= r.switchedSegment! ? true : undefined;
      }, 250);
      r.walKeys = listKeys(path.join(s3.directory, BUCKET));

      // 4. the restored cluster under real Patroni: custom bootstrap, replay to the target, promote
      r.restored = restoredManifests(s3.endpoint, r.target);
      const restoreScript = byName(r.restored, 'ConfigMap', 'orders-copy-patroni').data['restore-from-archive.sh'];
      const copy = await startMember(r.restored, etcdPort, (cfg, m) => {
        const local = path.join(m.dir, 'restore-from-archive.sh');
        fs.writeFileSync(local, restoreScript.split('/var/lib/postgresql/wal/pg_wal').join(path.join(m.dir, 'wal', 'pg_wal')));
        cfg.bootstrap.barman_cloud.command = `sh ${local}`;
        r.restoredDir = m.dir;
      });
      r.counts = await mustSql(copy, 'SELECT count(*) || \' \' || min(id) || \' \' || max(id) FROM orders');
      r.restoredTimeline = await mustSql(copy, 'SELECT timeline_id FROM pg_control_checkpoint()', 'postgres', 'postgres');
      r.pgWalLink = fs.readlinkSync(path.join(copy.dir, 'data', 'pgdata', 'pg_wal'));
      r.validate = await validateConfig(r.restored);
      r.validateSource = await validateConfig(r.source);
      // eslint-disable-next-line no-console
      console.log(`Patroni archive test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 170_000);

    afterAll(async () => {
      for (const m of members) {
        const pm = postmasterPid(path.join(m.dir, 'data', 'pgdata'));
        killHard([m.pid, pm, ...(pm ? childPids(pm) : [])]);
      }
      killHard([etcdPid]);
      await sleep(200);
      await s3?.stop();
      if (root && process.env.PATRONI_ARCHIVE_KEEP !== '1') fs.rmSync(root, { recursive: true, force: true });
    });

    test('the member ran archive_command exactly as emitted (only addresses, paths and the DCS were rewritten)', () => {
      const emitted = emittedPatroni(r.source!).config;
      const ran = members[0].config;
      expect(ran.postgresql.parameters.archive_command).toBe(emitted.postgresql.parameters.archive_command);
      expect(emitted.postgresql.parameters.archive_command)
        .toBe(`barman-cloud-wal-archive --cloud-provider aws-s3 --endpoint-url ${s3.endpoint} --gzip -e AES256 s3://${BUCKET}/prod orders %p`);
      expect(ran.postgresql.recovery_conf).toEqual(emitted.postgresql.recovery_conf);
    });

    test('archived WAL lands at <path>/<serverName>/wals/<timeline+log>/<segment>.gz, as the CloudNativePG plugin writes it', () => {
      expect(r.walKeys).toContain(`prod/orders/wals/0000000100000000/${r.switchedSegment}.gz`);
      expect(r.walKeys!.every((k) => k.startsWith('prod/orders/'))).toBe(true);
    });

    test('the backup script picked the Ready leader, skipped the standby that is not Ready, and exec\'d into the patroni container', () => {
      expect(r.backupRun!.out).toMatch(/backup: done/);
      expect(r.backupRun!.code).toBe(0);
      expect(r.shimCalls!.filter((c) => c.startsWith('kubectl get'))).toHaveLength(2);
      expect(r.shimCalls!.filter((c) => c.startsWith('kubectl exec orders-0 -c patroni -- '))).toHaveLength(2);
      expect(r.shimCalls!.some((c) => c.includes('barman-cloud-backup --cloud-provider aws-s3'))).toBe(true);
      expect(r.shimCalls!.some((c) => c.includes('barman-cloud-backup-delete') && c.includes('RECOVERY WINDOW OF 30 DAYS'))).toBe(true);
    });

    test('barman-cloud-backup-list shows the base backup under <path>/<serverName>/base/', () => {
      expect(r.backupList).toMatch(/^\d{8}T\d{6}\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+0000000100000000000000\w\w/m);
      expect(r.walKeys!.some((k) => /^prod\/orders\/base\/\d{8}T\d{6}\/backup\.info$/.test(k))).toBe(true);
    });

    test('the restored cluster has every row before the recovery time and none after it, on a new timeline', () => {
      expect(r.counts).toBe('200 1 200');
      expect(Number(r.restoredTimeline)).toBeGreaterThan(1);
    });

    test('the restored member\'s pg_wal is a link to its own WAL volume again', () => {
      expect(r.pgWalLink).toBe(path.join(r.restoredDir!, 'wal', 'pg_wal'));
    });

    test('patroni --validate-config accepts both configurations (local archive parameters, custom bootstrap method)', () => {
      expect(r.validateSource!.out).toBe('');
      expect(r.validateSource!.code).toBe(0);
      expect(r.validate!.out).toBe('');
      expect(r.validate!.code).toBe(0);
    });

    test('the whole run stays well under the 90 s budget (about 45 s here)', () => {
      expect(Date.now() - started).toBeLessThan(90_000);
    });
  },
);

/** Object keys under an s3rver bucket directory. */
function listKeys(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('._S3rver_object')) out.push(path.relative(dir, p).replace(/\._S3rver_object$/, ''));
    }
  };
  walk(dir);
  return out.sort();
}

/** `patroni --validate-config` on the configuration as emitted, with the environment of the cluster's pod. */
async function validateConfig(manifests: any[]): Promise<{ code: number; out: string }> {
  const r = await validatePatroniConfig(emittedPatroni(manifests).config, podEnvironment(manifests.find((m) => m.kind === 'StatefulSet')));
  return { code: r.code, out: r.output };
}
