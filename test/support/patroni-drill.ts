/**
 * The Patroni failover drill: the configuration the Patroni engine emits, run on
 * loopback with a local etcd and three real Patroni + PostgreSQL members, then
 * (1) bring-up to Leader + Sync Standby + Replica, (2) a synchronous writer,
 * a stability window with no leader change, (3) kill -9 of the leader, (4) write
 * outage and lost-commit check, (5) rejoin of the old leader (pg_rewind),
 * (6) a planned switchover. Always tears everything down (kill -9 + rm).
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

export interface DrillOptions {
  /** Synthesized manifests of one HaPostgres with the Patroni engine. */
  readonly manifests: any[];
  /** Length of the healthy write window in which no leader change may happen. */
  readonly stabilitySeconds: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface DrillResult {
  readonly emitted: EmittedPatroni;
  /** The member configurations the drill ran (for checking they are the emitted ones). */
  readonly memberConfigs: any[];
  readonly bringUpSeconds: number;
  readonly stabilitySeconds: number;
  /** Leader changes seen (by REST polling and timeline) during the stability window. */
  readonly spuriousLeaderChanges: number;
  readonly failoverOutageSeconds: number;
  readonly oldLeader: string;
  readonly newLeader: string;
  readonly rejoinSeconds: number;
  readonly rewindRan: boolean;
  readonly switchoverOutageSeconds: number;
  readonly switchoverTo: string;
  readonly ackedCommits: number;
  readonly lostCommits: number[];
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

function runFile(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the drill; rejects on any failed step, after tearing down. */
export async function runPatroniDrill(opts: DrillOptions): Promise<DrillResult> {
  const log = opts.log ?? (() => undefined);
  const patroni = findBinary('patroni');
  const etcd = findBinary('etcd');
  const psql = findBinary('psql');
  const pgCtl = findBinary('pg_ctl');
  if (!patroni || !etcd || !psql || !pgCtl) throw new Error('patroni, etcd, psql and pg_ctl are needed (scripts/ensure-test-deps.sh)');
  const binDir = path.dirname(fs.realpathSync(pgCtl));

  const emitted = emittedPatroni(opts.manifests);
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
      const cfg = localMemberConfig(emitted.config, {
        name, pgPort: m.pgPort, restPort: m.restPort, dir, etcdPort, binDir, postBootstrapScriptPath: postBootstrap, tlsCertFile, tlsKeyFile,
      });
      fs.writeFileSync(m.configFile, stringify(cfg));
      memberConfigs.push(cfg);
      members.push(m);
    }
    ownForPostgres(root);

    // etcd, v3 API only, on loopback.
    etcdProc = spawnLogged(etcd, [
      '--name', 'drill', '--data-dir', path.join(root, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster', `drill=http://127.0.0.1:${etcdPeerPort}`, '--initial-cluster-state', 'new',
      '--listen-metrics-urls', `http://127.0.0.1:${await freePort()}`,
    ], path.join(root, 'etcd.log'));
    await waitFor('etcd', 20_000, async () => ((await httpRequest(etcdPort, 'GET', '/health')).status === 200 ? true : undefined));
    log('etcd healthy');

    // PATRONI_DRILL_LOG_LEVEL=DEBUG: Patroni's debug log, to take a failover apart.
    const logLevel = process.env.PATRONI_DRILL_LOG_LEVEL ? { PATRONI_LOG_LEVEL: process.env.PATRONI_DRILL_LOG_LEVEL } : {};
    const memberEnv = (m: Member) => ({ HOME: m.dir, APP_PASSWORD: TEST_PASSWORDS.app, PATH: process.env.PATH, ...logLevel });
    const start = (m: Member) => {
      m.proc = spawnLogged(patroni, [m.configFile], path.join(m.dir, 'patroni.log'), memberEnv(m));
    };
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

    // 1. bring-up, checked through /primary, /sync and /async
    const t0 = now();
    start(members[0]);
    await waitFor('the first member to lead', 60_000, async () => ((await status(members[0], '/primary')) === 200 ? true : undefined));
    for (const m of members.slice(1)) start(m);
    let roles = await waitFor('Leader + Sync Standby + Replica', 90_000, topology, 200);
    const bringUpSeconds = now() - t0;
    log(`bring-up ${bringUpSeconds.toFixed(2)} s: ${JSON.stringify(roles)}`);

    // 2. synchronous writer, as the application owner in the application database
    let leader = leaderOf(roles);
    // sslmode require: with TLS required the emitted pg_hba refuses plain text.
    const appEnv = { ...process.env, PGPASSWORD: TEST_PASSWORDS.app, PGCONNECT_TIMEOUT: '3', PGSSLMODE: 'require' };
    const created = await runFile(psql, ['-h', '127.0.0.1', '-p', String(leader.pgPort), '-U', 'app', '-d', 'app', '-v', 'ON_ERROR_STOP=1',
      '-c', 'CREATE TABLE drill (id bigint PRIMARY KEY, ts timestamptz DEFAULT clock_timestamp())'], appEnv);
    if (created.code !== 0) throw new Error(`creating the drill table as the application owner failed: ${created.stderr}`);
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
    await waitFor('the first acknowledged commit', 20_000, async () => (acks.length > 0 ? true : undefined));

    // Stability: all members healthy, writes running, no leader change.
    const timelineOf = async (m: Member) => {
      const r = await httpRequest(m.restPort, 'GET', '/patroni');
      try {
        return JSON.parse(r.body).timeline as number;
      } catch {
        return undefined;
      }
    };
    const firstTimeline = await timelineOf(leader);
    let spuriousLeaderChanges = 0;
    const stabilityEnd = now() + opts.stabilitySeconds;
    while (now() < stabilityEnd) {
      const leaders: string[] = [];
      for (const m of members) if ((await status(m, '/primary')) === 200) leaders.push(m.name);
      if (leaders.length !== 1 || leaders[0] !== leader.name) spuriousLeaderChanges++;
      await sleep(500);
    }
    if ((await timelineOf(leader)) !== firstTimeline) spuriousLeaderChanges++;
    log(`stability ${opts.stabilitySeconds} s: ${spuriousLeaderChanges} leader changes, ${acks.length} acks, ${errors.length} writer errors`);

    // 3. kill -9 the leader: Patroni, the postmaster and its children
    const oldLeader = leader;
    const pm = postmasterPid(path.join(oldLeader.dir, 'data', 'pgdata'));
    const victims = [oldLeader.proc?.pid, pm, ...(pm ? childPids(pm) : [])];
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
    await waitFor('the old leader\'s processes to be gone', 10_000, async () => (victims.every((p) => p === undefined || !alive(p)) ? true : undefined));

    // 5. the old leader rejoins as a replica
    const tRejoin = now();
    start(oldLeader);
    await waitFor('the old leader to rejoin as a replica', 90_000, async () => {
      if ((await status(oldLeader, '/replica')) !== 200) return undefined;
      return (await timelineOf(oldLeader)) === (await timelineOf(newLeader)) ? true : undefined;
    }, 200);
    const rejoinSeconds = now() - tRejoin;
    const rewindRan = /pg_rewind/.test(fs.readFileSync(path.join(oldLeader.dir, 'patroni.log'), 'utf8'));
    log(`${oldLeader.name} rejoined in ${rejoinSeconds.toFixed(2)} s (pg_rewind ${rewindRan ? 'ran' : 'not needed'})`);

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
    await sleep(1000);

    // Every acknowledged id must be on the current leader.
    writer.kill('SIGTERM');
    await new Promise((r) => writer!.once('exit', r));
    writer = undefined;
    const rows = await runFile(psql, ['-h', '127.0.0.1', '-p', String(candidate.pgPort), '-U', 'app', '-d', 'app', '-At', '-c', 'SELECT id FROM drill'], appEnv);
    if (rows.code !== 0) throw new Error(`reading the drill table failed: ${rows.stderr}`);
    const present = new Set(rows.stdout.split('\n').filter((l) => l !== '').map(Number));
    const lostCommits = acks.filter((a) => !present.has(a.id)).map((a) => a.id);
    log(`${acks.length} acknowledged commits, ${lostCommits.length} lost`);

    return {
      emitted, memberConfigs, bringUpSeconds, stabilitySeconds: opts.stabilitySeconds, spuriousLeaderChanges,
      failoverOutageSeconds, oldLeader: oldLeader.name, newLeader: newLeader.name, rejoinSeconds, rewindRan,
      switchoverOutageSeconds, switchoverTo: candidate.name, ackedCommits: acks.length, lostCommits,
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
