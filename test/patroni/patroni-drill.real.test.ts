/**
 * The failover drill in CI: the Patroni configuration exactly as the engine emits it,
 * run by real etcd, Patroni 3.0.2 and PostgreSQL 15 on loopback. One drill with a
 * 20 s healthy write window (`npm run drill` runs N drills with 2 minutes).
 */
import { describeWithBinaries } from '../support/binaries';
import { DrillResult, runPatroniDrill } from '../support/patroni-drill';
import { drillManifests } from './drill-cluster';

describeWithBinaries(['patroni', 'etcd', 'pg_ctl', 'psql', '/usr/bin/python3'], 'Patroni failover drill (real etcd, Patroni, PostgreSQL)', () => {
  let result: DrillResult;
  const lines: string[] = [];

  beforeAll(async () => {
    result = await runPatroniDrill({ manifests: drillManifests(), stabilitySeconds: 20, log: (l) => lines.push(l) });
    // eslint-disable-next-line no-console
    console.log(`Patroni drill:\n  ${lines.join('\n  ')}`);
  }, 170_000);

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

  test('no leader change during the healthy write window', () => {
    expect(result.spuriousLeaderChanges).toBe(0);
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

  test('the old leader rejoined as a replica on the new timeline', () => {
    expect(result.rejoinSeconds).toBeLessThan(60);
  });

  test('a planned switchover to the synchronous standby, with a short write outage', () => {
    expect(result.switchoverTo).not.toBe(result.newLeader);
    expect(result.switchoverOutageSeconds).toBeLessThan(8);
  });
});
