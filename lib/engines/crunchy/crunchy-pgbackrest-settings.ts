/**
 * From what the Crunchy engine emits to what PGO's pgBackRest reads: maps a rendered
 * `PostgresCluster` spec (`spec.backups.pgbackrest`, `postgresVersion`, `port`, `standby`, the
 * instances' WAL volume, and the archive parameters in `patroni.dynamicConfiguration`) to the
 * `PgBackRestSettings` of pgbackrest-config.ts, and checks them with the generator's synth-time
 * checks. Pure: the input is the spec as data (a synthesized manifest's `spec` works as well as
 * the renderer's object).
 *
 * @internal
 */
import type * as pgo from '../../../imports/postgres-operator.crunchydata.com';
import { ConfigErrors } from './crunchy-model';
import {
  PgBackRestRepo, PgBackRestSettings, checkPgBackRestRestoreOptions, checkPgBackRestSettings, pgBackRestPostgresParameters,
} from './pgbackrest-config';

/** Where the archive parameters of a PostgresCluster come from: PGO's own, or the spec's override. */
export interface CrunchyArchiveParameters {
  /** archive_mode, archive_command, restore_command: PGO sets them (internal/pgbackrest/postgres.go); the spec cannot. */
  readonly mandatory: { readonly [name: string]: string };
  /** archive_timeout: the spec's value (`patroni.dynamicConfiguration.postgresql.parameters`), else PGO's default 60s. */
  readonly archiveTimeout: string;
  /** Whether archive_timeout came from the spec (true) or is PGO's default (false). */
  readonly archiveTimeoutFromSpec: boolean;
}

/** The pgBackRest side of a rendered PostgresCluster. */
export interface CrunchyPgBackRest {
  /** undefined when the spec has no `backups.pgbackrest` (PGO then archives to `true`). */
  readonly settings?: PgBackRestSettings;
  readonly archiveParameters: CrunchyArchiveParameters;
}

/** The property prefix messages use for the rendered spec. */
export const PGBACKREST_SPEC_PROPERTY = 'spec.backups.pgbackrest';

/**
 * Maps the spec. Repositories other than S3 (volume, GCS, Azure: the engine renders none) are
 * reported through `errors` and left out; nothing else is dropped.
 */
export function crunchyPgBackRestSettings(errors: ConfigErrors, spec: pgo.PostgresClusterSpec): CrunchyPgBackRest {
  const pgbackrest = spec.backups?.pgbackrest;
  const repos: PgBackRestRepo[] = [];
  (pgbackrest?.repos ?? []).forEach((repo, i) => {
    if (!repo.s3) {
      errors.add(`${PGBACKREST_SPEC_PROPERTY}.repos[${i}]`, repo.name, 'is not an S3 repository; the Crunchy engine renders and checks S3 repositories only',
        'use an S3 (or S3-compatible) WalArchive destination');
      return;
    }
    const schedules = repo.schedules ? {
      ...(repo.schedules.full !== undefined ? { full: repo.schedules.full } : {}),
      ...(repo.schedules.differential !== undefined ? { differential: repo.schedules.differential } : {}),
      ...(repo.schedules.incremental !== undefined ? { incremental: repo.schedules.incremental } : {}),
    } : undefined;
    repos.push({
      name: repo.name,
      s3: { bucket: repo.s3.bucket, endpoint: repo.s3.endpoint, region: repo.s3.region },
      ...(schedules ? { schedules } : {}),
    });
  });
  const standby = spec.standby;
  const settings: PgBackRestSettings | undefined = pgbackrest ? {
    postgresVersion: spec.postgresVersion,
    ...(spec.port !== undefined ? { port: spec.port } : {}),
    repos,
    ...(pgbackrest.global ? { global: { ...pgbackrest.global } } : {}),
    ...(pgbackrest.log?.path !== undefined ? { logPath: pgbackrest.log.path } : {}),
    ...(pgbackrest.jobs?.log?.path !== undefined ? { jobsLogPath: pgbackrest.jobs.log.path } : {}),
    ...(standby && standby.enabled !== false && standby.repoName ? { standbyRepoName: standby.repoName } : {}),
    walVolume: (spec.instances ?? []).some((set) => set.walVolumeClaimSpec !== undefined),
  } : undefined;

  const pgo = pgBackRestPostgresParameters(settings);
  const parameters = (spec.patroni?.dynamicConfiguration as any)?.postgresql?.parameters as { [k: string]: unknown } | undefined;
  const fromSpec = parameters?.archive_timeout;
  return {
    settings,
    archiveParameters: {
      mandatory: pgo.mandatory,
      archiveTimeout: fromSpec !== undefined ? String(fromSpec) : pgo.defaults.archive_timeout,
      archiveTimeoutFromSpec: fromSpec !== undefined,
    },
  };
}

/**
 * The generator's checks on what the engine emits: `checkPgBackRestSettings` on
 * `spec.backups.pgbackrest` and `checkPgBackRestRestoreOptions` on the `dataSource` restore
 * options. Messages name the rendered field (`spec.backups.pgbackrest.global["repo1-…"]`).
 */
export function checkEmittedPgBackRest(errors: ConfigErrors, spec: pgo.PostgresClusterSpec): void {
  const { settings } = crunchyPgBackRestSettings(errors, spec);
  if (settings) checkPgBackRestSettings(errors, PGBACKREST_SPEC_PROPERTY, settings);
  const ds = spec.dataSource;
  if (ds?.pgbackrest?.options) checkPgBackRestRestoreOptions(errors, 'spec.dataSource.pgbackrest.options', ds.pgbackrest.options);
  if (ds?.postgresCluster?.options) checkPgBackRestRestoreOptions(errors, 'spec.dataSource.postgresCluster.options', ds.postgresCluster.options);
}
