/**
 * The failover drill in CI: the Patroni configuration exactly as the engine emits it,
 * run by real etcd, Patroni 3.0.2 and PostgreSQL 15 on loopback. One drill with a
 * 20 s healthy write window (`npm run drill` runs N drills with 2 minutes): failover,
 * rejoin by pg_rewind, switchover, and the leader and the synchronous standby killed
 * together under load.
 */
import { describeWithBinaries } from '../support/binaries';
import { DrillResult, runPatroniDrill } from '../support/patroni-drill';
import { drillManifests } from './drill-cluster';

describeWithBinaries(['patroni', 'etcd', 'etcdctl', 'pg_ctl', 'psql', '/usr/bin/python3'], 'Patroni failover drill (real etcd, Patroni, PostgreSQL)', () => {
  let result: DrillResult;
  const lines: string[] = [];

  beforeAll(async () => {
    result = await runPatroniDrill({ manifests: drillManifests(), stabilitySeconds: 20, log: (l) => lines.push(l) });
    // eslint-disable-next-line no-console
    console.log(`Patroni drill:\n  ${lines.join('\n  ')}`);
  }, 330_000);

  test('the members ran the emitted configuration: only addresses, paths, DCS and credentials were rewritten', () => {
    const emitted = result.emitted.config;
    for (const cfg of result.memberConfigs) {
      expect(cfg.bootstrap.dcs).toEqual(emitted.bootstrap.dcs);
      expect(cfg.postgresql.pg_hba).toEqual(emitted.postgresql.pg_hba);
      expect(cfg.tags).toEqual(emitted.tags);
      expect(cfg.scope).toBe(emitted.scope);
      expect(cfg.bootstrap.initdb.filter((o: any) => !o.waldir)).toEqual(emitted.bootstrap.initdb.filter((o: any) => !o.waldir));
      expect(cfg.bootstrap.initdb.some((o: any) => o.waldir)).toBe(true);
      expect(cfg.postgresql.basebackup.filter((o: any) => !o.waldir)).toEqual(emitted.postgresql.basebackup.filter((o: any) => !o.waldir));
      expect(Object.keys(cfg.postgresql.authentication)).toEqual(Object.keys(emitted.postgresql.authentication));
      expect(cfg.postgresql.authentication.replication.username).toBe(emitted.postgresql.authentication.replication.username);
      expect(cfg.etcd3.hosts[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    // The emitted defaults, not values chosen by the harness.
    expect(emitted.bootstrap.dcs).toMatchObject({
      ttl: 8, loop_wait: 2, retry_timeout: 3, synchronous_mode: true, synchronous_node_count: 1, synchronous_mode_strict: true,
    });
    expect(emitted.bootstrap.dcs.postgresql).toMatchObject({ use_slots: true, use_pg_rewind: true });
  });

  test('bring-up reaches Leader + Sync Standby + Replica', () => {
    expect(result.bringUpSeconds).toBeLessThan(60);
  });

  test('no leader change, no lost leader lock and no promotion during the healthy write window', () => {
    expect(result.timing).toEqual({ ttl: 8, loopWait: 2, retryTimeout: 3, unsafe: false });
    expect(result.spuriousLeaderChanges).toBe(0);
    expect(result.leaderLockLossLines).toEqual([]);
    expect(result.stabilityPromotions).toBe(0);
  });

  test('kill -9 of the leader: another member leads, with a bounded write outage', () => {
    expect(result.newLeader).not.toBe(result.oldLeader);
    // The target (median <= 10 s) is measured by `npm run drill`; one CI run gets some slack.
    expect(result.failoverOutageSeconds).toBeLessThan(15);
  });

  test('every acknowledged commit is on the final leader', () => {
    expect(result.ackedCommits).toBeGreaterThan(100);
    expect(result.lostCommits).toEqual([]);
  });

  test('the old leader rejoined as a replica on the new timeline, rewound by pg_rewind (its backup label, not a log word)', () => {
    const rejoin = result.rejoin!;
    expect(rejoin.seconds).toBeLessThan(60);
    // Killed with kill -9: the control file still says it was running as the primary of the old timeline.
    expect(rejoin.controlBefore).toEqual({ state: 'in production', timeline: rejoin.timelineBefore });
    expect(rejoin.timelineAfter).toBe(rejoin.timelineBefore + 1);
    // Crash recovery ends the old timeline with a checkpoint past the fork point, so the rewind is needed every time.
    expect(rejoin.method).toBe('pg_rewind');
    expect(rejoin.evidence.join('\n')).toMatch(/BACKUP METHOD: pg_rewind/);
    expect(rejoin.evidence.join('\n')).toMatch(/pg_rewind exit code=0/);
  });

  test('a planned switchover to the synchronous standby, with a short write outage', () => {
    expect(result.switchoverTo).not.toBe(result.newLeader);
    expect(result.switchoverOutageSeconds).toBeLessThan(8);
  });

  test('leader and synchronous standby killed together under load: the asynchronous standby, which lacks acknowledged commits, is not promoted and nothing is acknowledged', () => {
    const loss = result.twoMemberLoss!;
    expect(new Set([loss.killedLeader, loss.killedSyncStandby, loss.survivor]).size).toBe(3);
    expect(loss.watchedSeconds).toBeGreaterThanOrEqual(3 * result.timing.ttl);
    expect(loss.ackedAtKill).toBeGreaterThan(100);
    // The survivor lacked acknowledged commits (its WAL receiver was held), so promoting it would have lost them.
    expect(loss.survivorMissingAcked).toBeGreaterThan(0);
    // Patroni 3.0 in synchronous mode promotes only the members of the /sync key (the leader and the synchronous standby).
    expect(loss.survivorPromoted).toBe(false);
    expect(loss.acksAfterKillBeforeRecovery).toBe(0);
  });

  test('after the two come back, one of them leads and every acknowledged commit is there', () => {
    const loss = result.twoMemberLoss!;
    expect([loss.killedLeader, loss.killedSyncStandby]).toContain(loss.recoveredLeader);
    expect(loss.recoverySeconds).toBeLessThan(90);
    expect(result.lostCommits).toEqual([]);
  });
});
