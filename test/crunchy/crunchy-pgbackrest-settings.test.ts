/**
 * The rendered PostgresCluster mapped to the pgBackRest settings PGO reads, and the generator's
 * checks run on what the engine emits (crunchy-pgbackrest-settings.ts).
 */
import { Testing } from 'cdk8s';
import { CrunchyChart } from '../../examples/crunchy/chart';
import { RecoveryTargetKind } from '../../lib/model/recovery';
import { ConfigErrors } from '../../lib/core/config-error';
import { checkEmittedPgBackRest, crunchyPgBackRestSettings } from '../../lib/engines/crunchy/crunchy-pgbackrest-settings';
import { restoreOptions } from '../../lib/engines/crunchy/crunchy-spec';
import { pgBackRestInstanceConf } from '../../lib/engines/crunchy/pgbackrest-config';

const exampleSpec = (): any => JSON.parse(JSON.stringify(Testing.synth(new CrunchyChart(Testing.app(), 'crunchy')).find((m) => m.kind === 'PostgresCluster').spec));

describe('crunchyPgBackRestSettings', () => {
  test('maps the example as emitted: repos, schedules, global, version, WAL volume, archive_timeout', () => {
    const errors = new ConfigErrors();
    const r = crunchyPgBackRestSettings(errors, exampleSpec());
    expect(errors.messages).toEqual([]);
    expect(r.settings).toEqual({
      postgresVersion: 17,
      repos: [{ name: 'repo1', s3: { bucket: 'acme-payments-pg-archive', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
        schedules: { full: '0 1 * * 0', differential: '0 2 * * *' } }],
      global: { 'compress-type': 'gz', 'process-max': '2', 'repo1-path': '/crunchy/orders-db', 'repo1-retention-full': '30',
        'repo1-retention-full-type': 'time', 'repo1-s3-key-type': 'web-id', 'repo1-s3-uri-style': 'host' },
      walVolume: true,
    });
    expect(r.archiveParameters).toEqual({
      mandatory: { archive_mode: 'on', archive_command: 'pgbackrest --stanza=db archive-push "%p"', restore_command: 'pgbackrest --stanza=db archive-get %f "%p"' },
      archiveTimeout: '5min', archiveTimeoutFromSpec: true,
    });
    // The generated instance file carries the emitted repository and global options.
    const conf = pgBackRestInstanceConf(r.settings!);
    expect(conf).toContain('repo1-s3-bucket = acme-payments-pg-archive\n');
    expect(conf).toContain('repo1-retention-full = 30\n');
    expect(conf).toContain('pg1-path = /pgdata/pg17\n');
  });

  test('no backups: no settings, PGO archives to `true`; archive_timeout defaults to 60s', () => {
    const spec = exampleSpec();
    delete spec.backups;
    delete spec.patroni.dynamicConfiguration.postgresql.parameters.archive_timeout;
    const r = crunchyPgBackRestSettings(new ConfigErrors(), spec);
    expect(r.settings).toBeUndefined();
    expect(r.archiveParameters).toMatchObject({ archiveTimeout: '60s', archiveTimeoutFromSpec: false, mandatory: { archive_command: 'true' } });
  });

  test('standby repo, log paths, no WAL volume, port', () => {
    const spec = { ...exampleSpec(), port: 5433, standby: { enabled: true, repoName: 'repo1' } };
    spec.backups.pgbackrest.log = { path: '/pgdata/logs' };
    spec.backups.pgbackrest.jobs = { log: { path: '/pgdata/jobs' } };
    delete spec.instances[0].walVolumeClaimSpec;
    const r = crunchyPgBackRestSettings(new ConfigErrors(), spec);
    expect(r.settings).toMatchObject({ port: 5433, standbyRepoName: 'repo1', logPath: '/pgdata/logs', jobsLogPath: '/pgdata/jobs', walVolume: false });
    expect(r.archiveParameters.mandatory.restore_command).toBe('pgbackrest --stanza=db archive-get %f "%p" --repo=1');
  });

  test('a repository that is not S3 is reported, naming the field', () => {
    const spec = exampleSpec();
    spec.backups.pgbackrest.repos.push({ name: 'repo2', volume: { volumeClaimSpec: {} } });
    const errors = new ConfigErrors();
    crunchyPgBackRestSettings(errors, spec);
    expect(errors.messages).toEqual([expect.stringMatching(/^spec\.backups\.pgbackrest\.repos\[1\] = "repo2": is not an S3 repository/)]);
  });
});

describe('checkEmittedPgBackRest: the generator\'s checks on the emitted spec', () => {
  test('the example passes', () => {
    const errors = new ConfigErrors();
    checkEmittedPgBackRest(errors, exampleSpec());
    expect(errors.messages).toEqual([]);
  });

  test('an emitted credential, an undeclared repository, a restore option PGO refuses: each named by its field', () => {
    const spec = exampleSpec();
    spec.backups.pgbackrest.global['repo1-s3-key-secret'] = 'hunter2';
    spec.backups.pgbackrest.global['repo3-retention-full'] = '2';
    spec.dataSource = { pgbackrest: { stanza: 'db', repo: { name: 'repo1' }, options: ['--type=time', '--target-action=promote'] } };
    const errors = new ConfigErrors();
    checkEmittedPgBackRest(errors, spec);
    expect(errors.messages).toEqual([
      expect.stringMatching(/^spec\.backups\.pgbackrest\.global\["repo1-s3-key-secret"\] = "\(redacted\)": is a credential/),
      expect.stringMatching(/^spec\.backups\.pgbackrest\.global\["repo3-retention-full"\] = "2": names repo3/),
      expect.stringMatching(/^spec\.dataSource\.pgbackrest\.options\[1\] = "--target-action=promote": PGO sets --target-action itself/),
    ]);
    expect(errors.messages.join('\n')).not.toContain('hunter2');
  });

  test('the restore options the engine emits pass PGO\'s own check (no --target-action; a time target quoted for bash)', () => {
    const errors = new ConfigErrors();
    const time = restoreOptions(errors, { clusterName: 'orders', targetKind: RecoveryTargetKind.TIME, targetValue: '2026-01-02 03:04:05+00' });
    const lsn = restoreOptions(errors, { clusterName: 'orders', targetKind: RecoveryTargetKind.LSN, targetValue: '0/3000060' });
    expect(time).toEqual(['--type=time', '--target="2026-01-02 03:04:05+00"']);
    checkEmittedPgBackRest(errors, { ...exampleSpec(), dataSource: { postgresCluster: { clusterName: 'orders', repoName: 'repo1', options: [...time, ...lsn] } } });
    expect(errors.messages).toEqual([]);
  });
});
