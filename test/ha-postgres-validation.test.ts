import { App, Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { existsSync, mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  AppCredentials, ClusterMode, DataDurability, DisruptionBudget, HaPostgres, HaPostgresProps, PostgresVersion, VolumeAccessMode,
} from '../lib';
import { synthError } from './support/synth';

/** The synth error for these props; every message names the property, the value and a fix. */
function errorFor(props: HaPostgresProps, id = 'db1'): string {
  const message = synthError((c) => new HaPostgres(c, id, props));
  expect(message).toMatch(/Fix: /);
  return message;
}

describe('bad input fails at synth time with property, value and fix', () => {
  test('fewer than 3 instances in HA mode', () => {
    expect(errorFor({ mode: ClusterMode.highAvailability(2) }))
      .toMatch(/mode = "highAvailability\(2\)": high availability needs at least 3 instances.*Fix: use ClusterMode\.highAvailability\(3\) or more; for development use ClusterMode\.standalone\(\)/);
  });

  test('synchronous standbys >= instances', () => {
    expect(errorFor({ synchronousStandbys: 3 })).toMatch(/synchronousStandbys = 3: must be below the number of instances \(3\).*Fix: set synchronousStandbys to at most 2/);
  });

  test('zero synchronous standbys in HA mode', () => {
    expect(errorFor({ synchronousStandbys: 0 })).toMatch(/synchronousStandbys = 0: at least one standby must confirm each commit/);
  });

  test('zone list with duplicates', () => {
    expect(errorFor({ placement: { zones: ['a', 'b', 'a'] } })).toMatch(/placement\.zones = \["a","b","a"\]: lists "a" more than once.*Fix: list each zone once/);
  });

  test('fewer than two zones in HA mode', () => {
    expect(errorFor({ placement: { zones: ['eu-west-1a'] } })).toMatch(/placement\.zones = \["eu-west-1a"\]: a highly available cluster needs at least two zones/);
  });

  test('ReadWriteMany data volume', () => {
    expect(errorFor({ storage: { accessMode: VolumeAccessMode.READ_WRITE_MANY } }))
      .toMatch(/storage\.accessMode = "ReadWriteMany": .*fsync.*Fix: use VolumeAccessMode\.READ_WRITE_ONCE/);
  });

  test('ReadWriteMany WAL volume', () => {
    expect(errorFor({ walStorage: { accessMode: VolumeAccessMode.READ_WRITE_MANY } })).toMatch(/walStorage\.accessMode = "ReadWriteMany"/);
  });

  test('slot bound not below the WAL volume', () => {
    expect(errorFor({ walStorage: { size: Size.gibibytes(10) }, maxSlotWalKeepSize: Size.gibibytes(10) }))
      .toMatch(/maxSlotWalKeepSize = 10Gi: must be below the volume that holds WAL \(walStorage\.size = 10Gi\).*Fix: lower maxSlotWalKeepSize/);
  });

  test('slot bound checked against the data volume without a WAL volume', () => {
    expect(errorFor({ separateWalVolume: false, storage: { size: Size.gibibytes(20) }, maxSlotWalKeepSize: Size.gibibytes(30) }))
      .toMatch(/maxSlotWalKeepSize = 30Gi: must be below the volume that holds WAL \(storage\.size = 20Gi\)/);
  });

  test('parameter the engine forbids, with the reason', () => {
    expect(errorFor({ parameters: { archive_mode: 'on' } }))
      .toMatch(/parameters\.archive_mode = "on": CloudNativePG 1\.30 does not allow this parameter: WAL archiving is switched on by CloudNativePG.*Fix: remove archive_mode/);
    expect(errorFor({ parameters: { shared_preload_libraries: 'pg_stat_statements' } })).toMatch(/adds pg_stat_statements/);
  });

  test('unknown parameter, with the nearest valid name', () => {
    expect(errorFor({ parameters: { shared_buffer: '1GB' } }))
      .toMatch(/parameters\.shared_buffer = "1GB": unknown PostgreSQL 18 parameter.*Fix: did you mean "shared_buffers"/);
  });

  test('parameter that does not exist in the chosen major', () => {
    expect(errorFor({ version: PostgresVersion.V17, parameters: { io_method: 'worker' } }))
      .toMatch(/parameters\.io_method = "worker": not a parameter of PostgreSQL 17: it exists from PostgreSQL 18 on/);
  });

  test('parameter that a property sets', () => {
    expect(errorFor({ parameters: { max_slot_wal_keep_size: '5GB' } }))
      .toMatch(/parameters\.max_slot_wal_keep_size = "5GB": this parameter is set from the maxSlotWalKeepSize property.*Fix: remove max_slot_wal_keep_size from parameters and set maxSlotWalKeepSize instead/);
  });

  test('read-only parameter', () => {
    expect(errorFor({ parameters: { block_size: 16384 } })).toMatch(/parameters\.block_size = 16384: this parameter is read-only/);
  });

  test('per-session setting', () => {
    expect(errorFor({ parameters: { role: 'app' } })).toMatch(/parameters\.role = "app": this is a per-session setting/);
  });

  test('synchronous_commit that breaks RPO 0', () => {
    expect(errorFor({ parameters: { synchronous_commit: 'local' } })).toMatch(/parameters\.synchronous_commit = "local": commits would no longer wait/);
  });

  test('a PDB that could not allow any disruption', () => {
    expect(errorFor({ disruptionBudget: DisruptionBudget.minAvailable(3) }))
      .toMatch(/disruptionBudget = "minAvailable\(3\)": with 3 instances it allows no disruption at all, so every node drain hangs.*Fix: use DisruptionBudget\.minAvailable\(2\)/);
  });

  test('a PDB of zero', () => {
    expect(errorFor({ disruptionBudget: DisruptionBudget.minAvailable(0) })).toMatch(/must keep at least one instance available/);
  });

  test('a budget on a standalone instance', () => {
    expect(errorFor({ mode: ClusterMode.standalone(), disruptionBudget: DisruptionBudget.minAvailable(1) }))
      .toMatch(/disruptionBudget = "library": a standalone instance cannot keep any instance available/);
  });

  test('name that is not a DNS label', () => {
    expect(errorFor({ name: 'Orders_DB' })).toMatch(/name = "Orders_DB": is not a DNS label.*Fix: use a name such as "orders-db"/);
  });

  test('construct id that is not a DNS label when no name is given', () => {
    expect(errorFor({}, 'OrdersDb')).toMatch(/name \(from the construct id\) = "OrdersDb": is not a DNS label/);
  });

  test('name too long for the engine\'s suffixes', () => {
    expect(errorFor({ name: 'a'.repeat(51) })).toMatch(/at most 50 characters/);
  });

  test('unsupported PostgreSQL major', () => {
    expect(errorFor({ version: PostgresVersion.of(12, 1) })).toMatch(/version = "12\.1": PostgreSQL 12 is not supported/);
  });

  test('image whose major differs from the version', () => {
    expect(errorFor({ version: PostgresVersion.V17, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4' }))
      .toMatch(/imageName = ".*16\.4": its tag says PostgreSQL 16 but version is 17\.10/);
  });

  test('resources with limits below requests', () => {
    expect(errorFor({ resources: { memoryRequest: Size.gibibytes(4), memoryLimit: Size.gibibytes(2) } }))
      .toMatch(/resources\.memoryLimit = 2Gi: is below memoryRequest \(4Gi\)/);
    expect(errorFor({ resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.millis(500) } })).toMatch(/resources\.cpuLimit = "500m": is below cpuRequest/);
  });

  test('synchronous settings on a standalone cluster', () => {
    expect(errorFor({ mode: ClusterMode.standalone(), synchronousStandbys: 1 })).toMatch(/synchronousStandbys = 1: a standalone cluster has no standby/);
    expect(errorFor({ mode: ClusterMode.standalone(), dataDurability: DataDurability.REQUIRED })).toMatch(/dataDurability = "required": a standalone cluster/);
  });

  test('database or owner that is not a PostgreSQL identifier', () => {
    expect(errorFor({ credentials: AppCredentials.generated({ database: 'Orders-DB' }) })).toMatch(/credentials\.database = "Orders-DB"/);
    expect(errorFor({ credentials: AppCredentials.generated({ owner: 'postgres' }) })).toMatch(/credentials\.owner = "postgres"/);
  });

  test('all errors are reported together', () => {
    const message = errorFor({ mode: ClusterMode.highAvailability(2), storage: { accessMode: VolumeAccessMode.READ_WRITE_MANY }, parameters: { port: 5433 } });
    expect(message).toMatch(/mode = /);
    expect(message).toMatch(/storage\.accessMode = /);
    expect(message).toMatch(/parameters\.port = /);
  });

  test('a failed synth writes nothing to the output directory', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'dist');
    const app = new App({ outdir });
    new HaPostgres(new Chart(app, 'good', { namespace: 'a' }), 'fine');
    new HaPostgres(new Chart(app, 'bad', { namespace: 'b' }), 'broken', { synchronousStandbys: 5 });
    expect(() => app.synth()).toThrow(/synchronousStandbys = 5/);
    expect(existsSync(outdir) ? readdirSync(outdir) : []).toEqual([]);
  });

  test('warnings (not errors) for risky but valid choices', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const db = new HaPostgres(chart, 'db1', { synchronousStandbys: 2, disruptionBudget: DisruptionBudget.minAvailable(2),
      mode: ClusterMode.highAvailability(3), placement: { zones: ['a', 'b'] } });
    expect(() => Testing.synth(chart)).not.toThrow();
    const { SynthWarnings } = require('../lib');
    const warnings: string[] = SynthWarnings.collect(db);
    expect(warnings.join('\n')).toMatch(/every standby synchronous/);
    expect(warnings.join('\n')).toMatch(/3 instances over 2 zones/);
  });
});
