/**
 * The Patroni failover drill: the configuration the Patroni engine emits, run on
 * loopback with a local etcd and three real Patroni + PostgreSQL members, then
 * (1) bring-up to Leader + Sync Standby + Replica, (2) a synchronous writer and a
 * stability window in which leader changes and lost leader locks are counted,
 * (3) kill -9 of the leader, (4) write outage, (5) rejoin of the old leader, with proof of
 * whether pg_rewind rewound it (its backup label and Patroni's exit code, not a word in
 * a log), (6) a planned switchover, (7) kill -9 of the leader and the synchronous standby
 * together under load, with the asynchronous standby behind (its WAL receiver held with
 * SIGSTOP from just before the kill until the end of the watch): the survivor must not be promoted, or must hold every acknowledged
 * commit; then the two come back, and (8) every acknowledged commit must be on the final
 * leader. Always tears everything down (kill -9 + rm).
 *
 * `stabilityOnly` stops after (2), for measuring timings the engine refuses to render
 * (`unsafeTiming` is written into bootstrap.dcs after synthesis).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { findBinary } from './binaries';
import { emittedPatroni, EmittedPatroni, localMemberConfig, TEST_PASSWORDS } from './patroni-local-config';
import {
  alive, childPids, freePort, httpRequest, killHard, ownForPostgres, postmasterPid, sleep, spawnLogged, waitFor,
} from './processes';

/** Patroni timing in seconds, written into bootstrap.dcs after synthesis (bypassing the engine's checks). */
export interface UnsafeTiming {
  readonly ttl?: number;
  readonly loopWait?: number;
  readonly retryTimeout?: number;
}

export interface DrillOptions {
  /** Synthesized manifests of one HaPostgres with the Patroni engine. */
  readonly manifests: any[];
  /** Length of the healthy write window in which leader changes and lost locks are counted. */
  readonly stabilitySeconds: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Timing values the engine would refuse (e.g. `ttl < loop_wait + 2 × retry_timeout`),
   * written into the emitted bootstrap.dcs, to measure what they do.
   *
   * @default - the emitted timing
   */
  readonly unsafeTiming?: UnsafeTiming;
  /**
   * Stop after the stability window (no failover, switchover or two-member loss).
   *
   * @default false
   */
  readonly stabilityOnly?: boolean;
  /**
   * How long the two-member-loss case watches the survivor for a promotion.
   *
   * @default - max(30 s, 3 × ttl + loop_wait)
   */
  readonly twoMemberLossWatchSeconds?: number;
}

/** What the drill saw of the old leader's rejoin. */
export interface RejoinResult {
  readonly seconds: number;
  /**
   * How the old leader came back: `pg_rewind` (rewound: pg_rewind's backup label written
   * after the kill and Patroni logged exit code 0), `re-cloned` (a new base backup), or
   * `followed` (no rewind was needed: it had nothing the new timeline lacks).
   */
  readonly method: 'pg_rewind' | 're-cloned' | 'followed';
  /** pg_controldata of the killed leader before its restart. */
  readonly controlBefore: { readonly state: string; readonly timeline: number };
  /** Timeline the old leader was on before the kill, and the one it streams on after the rejoin. */
  readonly timelineBefore: number;
  readonly timelineAfter: number;
  /** The lines that prove `method` (backup label, Patroni's log). */
  readonly evidence: string[];
}

/** What the drill saw when the leader and the synchronous standby were killed together. */
export interface TwoMemberLossResult {
  readonly killedLeader: string;
  readonly killedSyncStandby: string;
  readonly survivor: string;
  /** How long the survivor was watched. */
  readonly watchedSeconds: number;
  /** True when the survivor became leader (answered /primary 200, or left recovery). */
  readonly survivorPromoted: boolean;
  /**
   * Acknowledged commits (before the kill) missing on the survivor: what its promotion would
   * have lost. The drill holds its WAL receiver before the kill, so this is above 0.
   */
  readonly survivorMissingAcked: number;
  /** Acknowledged commits in total when the two were killed. */
  readonly ackedAtKill: number;
  /** Acknowledged commits whose acknowledgement arrived after the kill (must be 0 when nobody is promoted). */
  readonly acksAfterKillBeforeRecovery: number;
  /** Member that led after the two were restarted, and the time from their restart to the first commit on it. */
  readonly recoveredLeader: string;
  readonly recoverySeconds: number;
}

export interface DrillResult {
  readonly emitted: EmittedPatroni;
  /** The member configurations the drill ran (for checking they are the emitted ones). */
  readonly memberConfigs: any[];
  /** The bootstrap.dcs timing the members ran. */
  readonly timing: { readonly ttl: number; readonly loopWait: number; readonly retryTimeout: number; readonly unsafe: boolean };
  readonly bringUpSeconds: number;
  /** False when the members never showed Leader + Sync Standby + Replica (only possible with `unsafeTiming`). */
  readonly topologyReached: boolean;
  readonly stabilitySeconds: number;
  /** Leader changes seen (by REST polling and timeline) during the stability window. */
  readonly spuriousLeaderChanges: number;
  /**
   * Times the leader lock was lost during the stability window: deletions of the leader
   * key in etcd (its lease expired, or the leader released it), seen by `etcdctl watch`.
   */
  readonly leaderLockLosses: number;
  /** The deletions, and the members' Patroni log lines about taking or losing the lock in the window. */
  readonly leaderLockLossLines: string[];
  /** Promotions during the stability window (timeline increments). */
  readonly stabilityPromotions: number;
  readonly ackedCommits: number;
  readonly lostCommits: number[];
  /** The rest is absent with `stabilityOnly`. */
  readonly failoverOutageSeconds?: number;
  readonly oldLeader?: string;
  readonly newLeader?: string;
  readonly rejoin?: RejoinResult;
  readonly switchoverOutageSeconds?: number;
  readonly switchoverTo?: string;
  readonly twoMemberLoss?: TwoMemberLossResult;
}

interface Member {
  readonly name: string;
  readonly pgPort: number;
  readonly restPort: number;
  readonly dir: string;
  readonly configFile: string;
  proc?: ChildProcess;
}

interface Ack { id: number; start: number; ack: number; port: number }

const now = () => Date.now() / 1000;

/**
 * Patroni 3.0's HA-loop messages (patroni/ha.py) for a leader lock that was lost: taken
 * anew (`acquired session lock as a leader`, also logged by a leader that finds its own
 * lock expired and takes it again), or a leader that could not renew it or found it gone.
 * In a healthy window, where the lock is only ever renewed, none of them appears.
 */
const LOCK_LOSS = /acquired session lock as a leader|demoted self because failed to update leader lock in DCS|demoting self because I do not have the lock and I was a leader|demoting self because DCS is not accessible and I was a leader|not promoting because failed to update leader lock in DCS/;

function runFile(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `pg_controldata` fields of a stopped data directory. */
async function controlData(pgControldata: string, dataDir: string): Promise<{ state: string; timeline: number }> {
  const r = await runFile(pgControldata, ['-D', dataDir], { ...process.env, LANG: 'C', LC_ALL: 'C' });
  if (r.code !== 0) throw new Error(`pg_controldata -D ${dataDir} failed: ${r.stderr}`);
  const field = (name: string) => new RegExp(`^${name.replace(/[()']/g, '\\$&')}:\\s*(.*)$`, 'm').exec(r.stdout)?.[1]?.trim() ?? '';
  return { state: field('Database cluster state'), timeline: Number(field('Latest checkpoint\'s TimeLineID')) };
}

/** The backup label of a data directory (`backup_label`, or `backup_label.old` once recovery started), with its mtime. */
function backupLabel(dataDir: string): { file: string; text: string; mtime: number } | undefined {
  for (const name of ['backup_label', 'backup_label.old']) {
    const file = path.join(dataDir, name);
    try {
      return { file: name, text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs / 1000 };
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Runs the drill; rejects on any failed step, after tearing down. */
export async function runPatroniDrill(opts: DrillOptions): Promise<DrillResult> {
  const log = opts.log ?? (() => undefined);
  const patroni = findBinary('patroni');
  const etcd = findBinary('etcd');
  const psql = findBinary('psql');
  const pgCtl = findBinary('pg_ctl');
  const etcdctl = findBinary('etcdctl');
  if (!patroni || !etcd || !etcdctl || !psql || !pgCtl) throw new Error('patroni, etcd, etcdctl, psql and pg_ctl are needed (scripts/ensure-test-deps.sh)');
  const binDir = path.dirname(fs.realpathSync(pgCtl));
  const pgControldata = path.join(binDir, 'pg_controldata');

  const emitted = emittedPatroni(opts.manifests);
  const unsafe = opts.unsafeTiming !== undefined && Object.values(opts.unsafeTiming).some((v) => v !== undefined);
  const runConfig = JSON.parse(JSON.stringify(emitted.config));
  if (unsafe) {
    const dcs = runConfig.bootstrap.dcs;
    if (opts.unsafeTiming!.ttl !== undefined) dcs.ttl = opts.unsafeTiming!.ttl;
    if (opts.unsafeTiming!.loopWait !== undefined) dcs.loop_wait = opts.unsafeTiming!.loopWait;
    if (opts.unsafeTiming!.retryTimeout !== undefined) dcs.retry_timeout = opts.unsafeTiming!.retryTimeout;
  }
  const timing = { ttl: runConfig.bootstrap.dcs.ttl, loopWait: runConfig.bootstrap.dcs.loop_wait, retryTimeout: runConfig.bootstrap.dcs.retry_timeout, unsafe };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-drill-'));
  const etcdPort = await freePort();
  const etcdPeerPort = await freePort();
  const members: Member[] = [];
  let etcdProc: ChildProcess | undefined;
  let writer: ChildProcess | undefined;

  try {
    const postBootstrap = path.join(root, 'post-bootstrap.sh');
    fs.writeFileSync(postBootstrap, emitted.postBootstrapScript);
    // A self-signed test certificate in place of the TLS Secret.
    const tlsCertFile = path.join(root, 'tls.crt');
    const tlsKeyFile = path.join(root, 'tls.key');
    const cert = await runFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', tlsKeyFile, '-out', tlsCertFile], process.env);
    if (cert.code !== 0) throw new Error(`openssl could not make a test certificate: ${cert.stderr}`);
    fs.chmodSync(tlsKeyFile, 0o600);
    const memberConfigs: any[] = [];
    for (let i = 0; i < emitted.replicas; i++) {
      const name = `${emitted.clusterName}-${i}`;
      const dir = path.join(root, name);
      for (const sub of ['data', 'wal', 'run']) fs.mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o700 });
      const m: Member = { name, pgPort: await freePort(), restPort: await freePort(), dir, configFile: path.join(dir, 'patroni.yml') };
      const cfg = localMemberConfig(runConfig, {
        name, pgPort: m.pgPort, restPort: m.restPort, dir, etcdPort, binDir, postBootstrapScriptPath: postBootstrap, tlsCertFile, tlsKeyFile,
      });
      fs.writeFileSync(m.configFile, stringify(cfg));
      memberConfigs.push(cfg);
      members.push(m);
    }
    ownForPostgres(root);
    const dataDir = (m: Member) => path.join(m.dir, 'data', 'pgdata');
    const logFile = (m: Member) => path.join(m.dir, 'patroni.log');

    // etcd, v3 API only, on loopback.
    etcdProc = spawnLogged(etcd, [
      '--name', 'drill', '--data-dir', path.join(root, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster', `drill=http://127.0.0.1:${etcdPeerPort}`, '--initial-cluster-state', 'new',
      '--listen-metrics-urls', `http://127.0.0.1:${await freePort()}`,
    ], path.join(root, 'etcd.log'));
    await waitFor('etcd', 20_000, async () => ((await httpRequest(etcdPort, 'GET', '/health')).status === 200 ? true : undefined));
    log(`etcd healthy; timing ttl ${timing.ttl} / loop_wait ${timing.loopWait} / retry_timeout ${timing.retryTimeout}${unsafe ? ' (unsafe: set after synthesis)' : ''}`);

    // PATRONI_DRILL_LOG_LEVEL=DEBUG: Patroni's debug log, to take a failover apart.
    const logLevel = process.env.PATRONI_DRILL_LOG_LEVEL ? { PATRONI_LOG_LEVEL: process.env.PATRONI_DRILL_LOG_LEVEL } : {};
    const memberEnv = (m: Member) => ({ HOME: m.dir, APP_PASSWORD: TEST_PASSWORDS.app, PATH: process.env.PATH, ...logLevel });
    const start = (m: Member) => {
      m.proc = spawnLogged(patroni, [m.configFile], logFile(m), memberEnv(m));
    };
    /** The pids of the members' Patroni, postmaster and its children (collected before the kill: /proc is slow to scan). */
    const pidsOf = (victims: Member[]) => victims.flatMap((m) => {
      const pm = postmasterPid(dataDir(m));
      return [m.proc?.pid, pm, ...(pm ? childPids(pm) : [])];
    });
    const gone = (pids: Array<number | undefined>) => waitFor('the killed processes to be gone', 10_000,
      async () => (pids.every((p) => p === undefined || !alive(p)) ? true : undefined));
    const status = async (m: Member, p: string) => (await httpRequest(m.restPort, 'GET', p)).status;
    const topology = async () => {
      const roles: { [name: string]: string } = {};
      for (const m of members) {
        const [p, s, a] = await Promise.all([status(m, '/primary'), status(m, '/sync'), status(m, '/async')]);
        roles[m.name] = p === 200 ? 'leader' : s === 200 ? 'sync' : a === 200 ? 'async' : 'none';
      }
      const values = Object.values(roles).sort();
      return values.join() === 'async,leader,sync' ? roles : undefined;
    };
    const leaderOf = (roles: { [name: string]: string }) => members.find((m) => roles[m.name] === 'leader') as Member;
    const roleMember = (roles: { [name: string]: string }, r: string) => members.find((m) => roles[m.name] === r) as Member;
    const timelineOf = async (m: Member) => {
      const r = await httpRequest(m.restPort, 'GET', '/patroni');
      try {
        return JSON.parse(r.body).timeline as number | undefined;
      } catch {
        return undefined;
      }
    };

    // 1. bring-up, checked through /primary, /sync and /async
    const t0 = now();
    start(members[0]);
    await waitFor('the first member to lead', 60_000, async () => ((await status(members[0], '/primary')) === 200 ? true : undefined));
    for (const m of members.slice(1)) start(m);
    const currentLeader = (timeoutMs: number) => waitFor('a leader', timeoutMs, async () => {
      for (const m of members) if ((await status(m, '/primary')) === 200) return m;
      return undefined;
    });
    // An unsafe timing may flap before the cluster ever looks healthy: then the drill goes on
    // with whichever member leads, to count what happens under load.
    let roles: { [name: string]: string } | undefined = await waitFor('Leader + Sync Standby + Replica', 90_000, topology, 200)
      .catch((e) => { if (unsafe) return undefined; throw e; });
    const bringUpSeconds = now() - t0;
    const topologyReached = roles !== undefined;
    log(`bring-up ${bringUpSeconds.toFixed(2)} s: ${roles ? JSON.stringify(roles) : 'never Leader + Sync Standby + Replica (unsafe timing)'}`);

    // 2. synchronous writer, as the application owner in the application database
    let leader = roles ? leaderOf(roles) : await currentLeader(60_000);
    // sslmode require: with TLS required the emitted pg_hba refuses plain text.
    const appEnv = { ...process.env, PGPASSWORD: TEST_PASSWORDS.app, PGCONNECT_TIMEOUT: '3', PGSSLMODE: 'require' };
    const createTable = async () => {
      const r = await runFile(psql, ['-h', '127.0.0.1', '-p', String(leader.pgPort), '-U', 'app', '-d', 'app', '-v', 'ON_ERROR_STOP=1',
        '-c', 'CREATE TABLE IF NOT EXISTS drill (id bigint PRIMARY KEY, ts timestamptz DEFAULT clock_timestamp())'], appEnv);
      return r.code === 0 ? true : undefined;
    };
    if (!(await createTable())) {
      if (!unsafe) throw new Error('creating the drill table as the application owner failed');
      await waitFor('the drill table on a leader', 60_000, async () => {
        leader = await currentLeader(10_000);
        return createTable();
      }, 500);
    }
    const dsn = `host=${members.map(() => '127.0.0.1').join(',')} port=${members.map((m) => m.pgPort).join(',')} ` +
      'dbname=app user=app target_session_attrs=read-write connect_timeout=1 sslmode=require';
    const acks: Ack[] = [];
    const errors: string[] = [];
    writer = spawn('/usr/bin/python3', [path.join(__dirname, 'patroni-writer.py'), dsn], { env: appEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    writer.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() as string;
      for (const line of lines) {
        const [kind, a, b, c, d] = line.split(' ');
        if (kind === 'ack') acks.push({ id: Number(a), start: Number(b), ack: Number(c), port: Number(d) });
        else if (kind === 'err') errors.push(line);
      }
    });
    await waitFor('the first acknowledged commit', unsafe ? 60_000 : 20_000, async () => (acks.length > 0 ? true : undefined));

    /** The ids in the drill table of `m` (a standby answers too: it is read-only). */
    const idsOn = async (m: Member): Promise<Set<number>> => {
      const rows = await runFile(psql, ['-h', '127.0.0.1', '-p', String(m.pgPort), '-U', 'app', '-d', 'app', '-At', '-c', 'SELECT id FROM drill'], appEnv);
      if (rows.code !== 0) throw new Error(`reading the drill table on ${m.name} failed: ${rows.stderr}`);
      return new Set(rows.stdout.split('\n').filter((l) => l !== '').map(Number));
    };
    const lostOn = async (m: Member, upTo = Infinity) => {
      const present = await idsOn(m);
      return acks.filter((a) => a.ack <= upTo && !present.has(a.id)).map((a) => a.id);
    };

    // Stability: all members healthy, writes running; leader changes, lost locks and promotions counted.
    // The leader lock is a key with an etcd lease: a watch sees it deleted when the lease
    // expires (or the leader releases it), whatever Patroni logs.
    const leaderKey = `${runConfig.namespace ?? '/service/'}${runConfig.scope}/leader`.replace(/\/\/+/g, '/');
    const watchEvents: string[] = [];
    const watcher = spawn(etcdctl, ['--endpoints', `http://127.0.0.1:${etcdPort}`, 'watch', leaderKey], {
      env: { PATH: process.env.PATH, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    let watchBuffer = '';
    watcher.stdout!.on('data', (chunk: Buffer) => {
      watchBuffer += chunk.toString();
      const lines = watchBuffer.split('\n');
      watchBuffer = lines.pop() as string;
      for (const line of lines) if (line === 'DELETE' || line === 'PUT') watchEvents.push(`${new Date().toISOString()} ${line}`);
    });
    await sleep(500); // the watch is established
    const logOffsets = new Map(members.map((m) => [m.name, fs.statSync(logFile(m)).size]));
    const firstTimeline = Math.max(0, ...(await Promise.all(members.map(timelineOf))).filter((t): t is number => t !== undefined));
    let spuriousLeaderChanges = 0;
    let lastLeaders = '';
    for (const m of members) if ((await status(m, '/primary')) === 200) lastLeaders += (lastLeaders ? ',' : '') + m.name;
    const stabilityEnd = now() + opts.stabilitySeconds;
    while (now() < stabilityEnd) {
      const leaders: string[] = [];
      for (const m of members) if ((await status(m, '/primary')) === 200) leaders.push(m.name);
      const seen = leaders.join(',');
      if (seen !== lastLeaders) {
        spuriousLeaderChanges++;
        lastLeaders = seen;
      }
      await sleep(500);
    }
    const timelines = (await Promise.all(members.map(timelineOf))).filter((t): t is number => t !== undefined);
    const stabilityPromotions = Math.max(0, ...timelines) - firstTimeline;
    if (stabilityPromotions > 0 && spuriousLeaderChanges === 0) spuriousLeaderChanges++;
    watcher.kill('SIGKILL');
    const leaderKeyDeletions = watchEvents.filter((e) => e.endsWith(' DELETE'));
    const leaderLockLossLines = [
      ...leaderKeyDeletions.map((e) => `etcd watch ${leaderKey}: ${e}`),
      ...members.flatMap((m) => {
        const text = fs.readFileSync(logFile(m), 'utf8').slice(logOffsets.get(m.name));
        return text.split('\n').filter((l) => LOCK_LOSS.test(l)).map((l) => `${m.name}: ${l}`);
      }),
    ];
    const leaderLockLosses = leaderKeyDeletions.length;
    log(`stability ${opts.stabilitySeconds} s: ${spuriousLeaderChanges} leader changes, ${leaderLockLosses} lost leader locks, ` +
      `${stabilityPromotions} promotions, ${acks.length} acks, ${errors.length} writer errors`);

    const base = {
      emitted, memberConfigs, timing, bringUpSeconds, topologyReached, stabilitySeconds: opts.stabilitySeconds, spuriousLeaderChanges,
      leaderLockLosses, leaderLockLossLines, stabilityPromotions,
    };
    const finish = async (finalLeader: Member) => {
      // SIGTERM lets the writer finish its commit; one blocked on a synchronous standby is killed after 5 s.
      const exited = new Promise((r) => writer!.once('exit', r));
      writer!.kill('SIGTERM');
      const timer = setTimeout(() => writer?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      writer = undefined;
      const lostCommits = await lostOn(finalLeader);
      log(`${acks.length} acknowledged commits, ${lostCommits.length} lost (checked on ${finalLeader.name})`);
      return { ackedCommits: acks.length, lostCommits };
    };
    if (opts.stabilityOnly) return { ...base, ...(await finish(await currentLeader(60_000))) };

    // 3. kill -9 the leader: Patroni, the postmaster and its children
    const oldLeader = leaderOf(await waitFor('Leader + Sync Standby + Replica before the failover', 60_000, topology, 200));
    const timelineBefore = (await timelineOf(oldLeader)) ?? 0;
    const victims = pidsOf([oldLeader]);
    const tKill = now();
    killHard(victims);
    log(`killed ${oldLeader.name} (pids ${victims.join(' ')})`);

    // 4. outage: kill to the first acknowledged commit on the new leader
    const others = members.filter((m) => m !== oldLeader);
    const newLeader = await waitFor('a new leader', 60_000, async () => {
      for (const m of others) if ((await status(m, '/primary')) === 200) return m;
      return undefined;
    });
    const firstAck = await waitFor('a commit on the new leader', 60_000, async () => acks.find((a) => a.ack > tKill && a.port !== oldLeader.pgPort));
    const failoverOutageSeconds = firstAck.ack - tKill;
    log(`failover to ${newLeader.name}: write outage ${failoverOutageSeconds.toFixed(2)} s`);
    await gone(victims);

    // 5. the old leader rejoins as a replica; did pg_rewind rewind it?
    const controlBefore = await controlData(pgControldata, dataDir(oldLeader));
    const labelBefore = backupLabel(dataDir(oldLeader));
    const logOffset = fs.statSync(logFile(oldLeader)).size;
    const tRejoin = now();
    start(oldLeader);
    const timelineAfter = await waitFor('the old leader to rejoin as a replica on the new timeline', 90_000, async () => {
      if ((await status(oldLeader, '/replica')) !== 200) return undefined;
      const [mine, theirs] = [await timelineOf(oldLeader), await timelineOf(newLeader)];
      return mine !== undefined && mine === theirs ? mine : undefined;
    }, 200);
    const rejoinSeconds = now() - tRejoin;
    const rejoinLog = fs.readFileSync(logFile(oldLeader), 'utf8').slice(logOffset).split('\n');
    const labelAfter = backupLabel(dataDir(oldLeader));
    const freshLabel = labelAfter && labelAfter.mtime >= tKill && labelAfter.text !== labelBefore?.text ? labelAfter : undefined;
    const rewindExit = rejoinLog.filter((l) => /pg_rewind exit code=/.test(l));
    let method: RejoinResult['method'] = 'followed';
    const evidence: string[] = [
      `pg_controldata before the restart: state "${controlBefore.state}", timeline ${controlBefore.timeline}`,
      ...rejoinLog.filter((l) => /Local timeline=|primary_timeline=|running pg_rewind|pg_rewind exit code=|replica has been created/.test(l)),
    ];
    if (freshLabel && /BACKUP METHOD: pg_rewind/.test(freshLabel.text) && rewindExit.some((l) => /exit code=0\b/.test(l))) {
      method = 'pg_rewind';
      evidence.push(`${freshLabel.file}: ${freshLabel.text.split('\n').filter((l) => /^(BACKUP METHOD|START WAL LOCATION|START TIMELINE)/.test(l)).join('; ')}`);
    } else if (freshLabel && /BACKUP METHOD: streamed/.test(freshLabel.text)) {
      method = 're-cloned';
      evidence.push(`${freshLabel.file}: BACKUP METHOD: streamed`);
    }
    const rejoin: RejoinResult = { seconds: rejoinSeconds, method, controlBefore, timelineBefore, timelineAfter, evidence };
    log(`${oldLeader.name} rejoined in ${rejoinSeconds.toFixed(2)} s by ${method}, timeline ${timelineBefore} → ${timelineAfter}`);

    // 6. planned switchover to the synchronous standby
    roles = await waitFor('Leader + Sync Standby + Replica after the rejoin', 60_000, topology, 200);
    leader = leaderOf(roles);
    const candidate = roleMember(roles, 'sync');
    const tSwitch = now();
    const sw = await httpRequest(leader.restPort, 'POST', '/switchover', { leader: leader.name, candidate: candidate.name },
      `patroni:${TEST_PASSWORDS.restApi}`, 30_000);
    if (sw.status !== 200) throw new Error(`switchover answered ${sw.status}: ${sw.body}`);
    const firstOnCandidate = await waitFor('a commit on the switchover candidate', 30_000,
      async () => acks.find((a) => a.ack > tSwitch && a.port === candidate.pgPort));
    const before = acks.filter((a) => a.ack < firstOnCandidate.ack).pop();
    const switchoverOutageSeconds = firstOnCandidate.ack - Math.max(before?.ack ?? tSwitch, tSwitch - 1);
    log(`switchover to ${candidate.name}: write outage ${switchoverOutageSeconds.toFixed(2)} s`);

    // 7. kill -9 the leader and the synchronous standby together, under load
    roles = await waitFor('Leader + Sync Standby + Replica before the two-member loss', 60_000, topology, 200);
    const lossLeader = leaderOf(roles);
    const lossSync = roleMember(roles, 'sync');
    const survivor = roleMember(roles, 'async');
    await waitFor('a commit on the leader before the two-member loss', 10_000, async () => acks.find((a) => a.ack > now() - 0.5 && a.port === lossLeader.pgPort));
    // Hold the asynchronous standby's WAL receiver (SIGSTOP) from a moment before the kill to
    // the end of the watch, so that it lacks commits the synchronous standby acknowledged, as
    // when the primary's machine dies with WAL in flight: its promotion would lose them, and
    // the case shows that Patroni does not promote it, not merely that it happened to be current.
    const survivorPm = postmasterPid(dataDir(survivor));
    const walReceiver = (survivorPm ? childPids(survivorPm) : []).find((pid) => {
      try {
        return /walreceiver/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      } catch {
        return false;
      }
    });
    if (walReceiver === undefined) throw new Error(`${survivor.name} has no WAL receiver to hold`);
    process.kill(walReceiver, 'SIGSTOP');
    const held = acks.length;
    await waitFor('commits acknowledged while the asynchronous standby is held', 20_000, async () => (acks.length >= held + 20 ? true : undefined));
    const lossVictims = pidsOf([lossLeader, lossSync]);
    killHard(lossVictims);
    // Commits that returned before this instant were acknowledged before both were dead.
    const tLoss = now();
    log(`held ${survivor.name}'s WAL receiver for ${acks.length - held} commits, then killed ${lossLeader.name} (leader) and ${lossSync.name} (synchronous standby) together`);
    const watchSeconds = opts.twoMemberLossWatchSeconds ?? Math.max(30, 3 * timing.ttl + timing.loopWait);
    let survivorPromoted = false;
    while (now() < tLoss + watchSeconds) {
      if ((await status(survivor, '/primary')) === 200) survivorPromoted = true;
      await sleep(200);
    }
    await gone(lossVictims);
    const inRecovery = await runFile(psql, ['-h', '127.0.0.1', '-p', String(survivor.pgPort), '-U', 'app', '-d', 'app', '-At', '-c', 'SELECT pg_is_in_recovery()'], appEnv);
    if (inRecovery.code !== 0) throw new Error(`asking ${survivor.name} whether it is in recovery failed: ${inRecovery.stderr}`);
    if (inRecovery.stdout.trim() !== 't') survivorPromoted = true;
    const survivorMissing = await lostOn(survivor, tLoss);
    // Released only now: a killed process's socket still delivers what it had sent, which a
    // crashed machine would not.
    process.kill(walReceiver, 'SIGCONT');
    // A commit that returned just before the kill may carry a timestamp a moment after tLoss;
    // anything later than 0.5 s, or from the survivor, was acknowledged with both down.
    const acksAfterKillBeforeRecovery = acks.filter((a) => a.ack > tLoss && (a.ack > tLoss + 0.5 || a.port === survivor.pgPort)).length;
    const ackedAtKill = acks.filter((a) => a.ack <= tLoss).length;
    log(`${survivor.name} watched for ${watchSeconds} s: ${survivorPromoted ? 'PROMOTED' : 'not promoted'}, ` +
      `missing ${survivorMissing.length} of ${ackedAtKill} acknowledged commits; ${acksAfterKillBeforeRecovery} commits acknowledged after the kill`);
    if (survivorPromoted && survivorMissing.length > 0) {
      throw new Error(`${survivor.name} was promoted without ${survivorMissing.length} acknowledged commits (${survivorMissing.slice(0, 10).join(', ')}…)`);
    }

    // The two come back; a leader emerges and takes writes again.
    const tRecover = now();
    start(lossLeader);
    start(lossSync);
    const recovered = await waitFor('a commit after the two members came back', 120_000,
      async () => acks.find((a) => a.ack > tRecover));
    const recoveredLeader = members.find((m) => m.pgPort === recovered.port) as Member;
    const recoverySeconds = recovered.ack - tRecover;
    log(`after the restart of both, ${recoveredLeader.name} leads: first commit ${recoverySeconds.toFixed(2)} s after the restart`);
    const twoMemberLoss: TwoMemberLossResult = {
      killedLeader: lossLeader.name, killedSyncStandby: lossSync.name, survivor: survivor.name, watchedSeconds: watchSeconds,
      survivorPromoted, survivorMissingAcked: survivorMissing.length, ackedAtKill, acksAfterKillBeforeRecovery,
      recoveredLeader: recoveredLeader.name, recoverySeconds,
    };
    await sleep(1000);

    // 8. every acknowledged id must be on the final leader
    const finalLeader = await currentLeader(30_000);
    return {
      ...base, ...(await finish(finalLeader)),
      failoverOutageSeconds, oldLeader: oldLeader.name, newLeader: newLeader.name, rejoin,
      switchoverOutageSeconds, switchoverTo: candidate.name, twoMemberLoss,
    };
  } finally {
    // kill -9 and rm: a graceful Patroni shutdown takes seconds per member.
    writer?.kill('SIGKILL');
    for (const m of members) {
      const pm = postmasterPid(path.join(m.dir, 'data', 'pgdata'));
      killHard([m.proc?.pid, pm, ...(pm ? childPids(pm) : [])]);
    }
    killHard([etcdProc?.pid]);
    await sleep(200);
    if (process.env.PATRONI_DRILL_KEEP !== '1') fs.rmSync(root, { recursive: true, force: true });
    else log(`kept ${root}`);
  }
}
