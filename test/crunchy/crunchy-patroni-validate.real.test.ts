/**
 * The keys the Crunchy PGO engine writes into `patroni.dynamicConfiguration` are Patroni's
 * own: PGO copies that block into `bootstrap.dcs` of the patroni.yaml it generates
 * (internal/patroni/config.go, clusterYAML / DynamicConfiguration, after setting ttl and
 * loop_wait from the spec and merging its parameters). Here that file is rebuilt the way
 * PGO builds it around the emitted block and checked with real Patroni
 * (`patroni --validate-config`, Debian's 3.0.2), which type-checks bootstrap.dcs's
 * timing keys; a seeded wrong type proves the check reads the block.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CrunchyChart } from '../../examples/crunchy/chart';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { validatePatroniConfig } from '../support/patroni-validate';

function pgoPatroniYaml(pc: any, binDir: string): any {
  const dcs = { ...pc.spec.patroni.dynamicConfiguration, ttl: pc.spec.patroni.leaderLeaseDurationSeconds, loop_wait: pc.spec.patroni.syncPeriodSeconds };
  dcs.postgresql = { ...dcs.postgresql, use_pg_rewind: true, pg_hba: pc.spec.authentication.rules.map((r: any) => r.hba) };
  return {
    scope: `${pc.metadata.name}-ha`,
    name: 'orders-db-pg-abcd-0',
    kubernetes: {
      namespace: 'payments', role_label: 'postgres-operator.crunchydata.com/role', scope_label: 'postgres-operator.crunchydata.com/patroni',
      use_endpoints: true, labels: { 'postgres-operator.crunchydata.com/cluster': pc.metadata.name },
    },
    restapi: { listen: '*:8008', connect_address: '10.1.2.3:8008' },
    postgresql: {
      listen: '*:5432', connect_address: '10.1.2.3:5432', data_dir: '/tmp/crunchy-validate-pgdata', bin_dir: binDir,
      authentication: { superuser: { username: 'postgres' }, replication: { username: '_crunchyrepl' }, rewind: { username: '_crunchyrepl' } },
      pg_hba: dcs.postgresql.pg_hba,
    },
    // PGO also sets watchdog.mode off; left out because YAML 1.1 (Patroni) reads a bare off as false.
    bootstrap: { dcs, pg_hba: dcs.postgresql.pg_hba, initdb: ['data-checksums'] },
  };
}

describeWithBinaries(['patroni', 'pg_ctl'], 'the PGO dynamicConfiguration in Patroni\'s bootstrap.dcs, checked by patroni --validate-config', () => {
  const pc = Testing.synth(new CrunchyChart(Testing.app(), 'crunchy')).find((m) => m.kind === 'PostgresCluster');
  const binDir = path.dirname(fs.realpathSync(findBinary('pg_ctl') as string));

  test('the emitted keys validate', async () => {
    const cfg = pgoPatroniYaml(pc, binDir);
    expect(Object.keys(cfg.bootstrap.dcs).sort()).toEqual(['failsafe_mode', 'loop_wait', 'maximum_lag_on_failover', 'postgresql', 'retry_timeout',
      'synchronous_mode', 'synchronous_mode_strict', 'synchronous_node_count', 'ttl']);
    const r = await validatePatroniConfig(cfg, {});
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('a wrong type in the block fails the same validation (the check reads it)', async () => {
    const cfg = pgoPatroniYaml(pc, binDir);
    cfg.bootstrap.dcs.retry_timeout = 'nine';
    const r = await validatePatroniConfig(cfg, {});
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/retry_timeout/);
  });
});
