
import type { IClusterModel, IPublicationIntent } from '../../model/cluster-engine';
import { ConfigErrors } from '../../core/config-error';
import type { Grant } from '../../model/grant';
import { grantsSql, publicationSql } from '../../model/intent-sql';
import { renderSqlJob, SqlJobCredential, SqlJobPlan, SqlStep } from '../sql-job';
import { validateClusterOnce } from '../../model/logical-requirements';

import { publicationSqlSpec } from '../../model/publication-sql';

/**
 * CloudNativePG's `Database` resource has no grants and its `Publication` no row filters:
 * those are applied by the cluster's SQL Job (lib/engines/sql-job.ts), which connects to
 * the primary as each database's owner (no superuser: the library keeps
 * `enableSuperuserAccess` off). The owner owns the tables it grants on (migrations run as
 * it) and may create a publication of them. The owner's password comes from the cluster's
 * application Secret for the application database, else from the owner's DatabaseRole.
 */

/** UID of the postgres user in CloudNativePG's operand images. */
const CNPG_POSTGRES_UID = 26;

const JOBS = new WeakSet<IClusterModel>();

/** Publications the Job creates (those with row filters). */
function jobPublications(cluster: IClusterModel): IPublicationIntent[] {
  return cluster.attachments.publications.filter((p) => p.hasRowFilters);
}

/** The owner of `database` and the Secret with its password, or why there is none. */
function ownerOf(cluster: IClusterModel, database: string): { owner: string; user: string | { name: string; key: string }; secret?: string } {
  const declared = cluster.attachments.databases.find((d) => d.databaseName === database);
  const owner = declared?.owner ?? (database === cluster.databaseName ? cluster.ownerName : '');
  if (owner === cluster.ownerName) return { owner, user: { name: cluster.appSecretName, key: 'username' }, secret: cluster.appSecretName };
  const role = cluster.attachments.roles.find((r) => r.roleName === owner);
  return { owner, user: owner, secret: role?.passwordSecretName };
}

/** Renders the cluster's SQL Job (once) when something needs it. */
export function ensureCnpgSqlJob(cluster: IClusterModel): void {
  if (JOBS.has(cluster)) return;
  JOBS.add(cluster);
  validateClusterOnce(cluster, 'cnpg-sql-job-owners', () => ownerErrors(cluster));
  renderSqlJob(cluster, cluster, {
    image: cluster.intent.imageName,
    userId: CNPG_POSTGRES_UID,
    host: cluster.readWriteServiceName,
    port: cluster.port,
    sslMode: 'verify-full',
    caCertificate: cluster.engine.serverCertificateAuthority(cluster.clusterName),
    instanceLabels: cluster.engine.instanceLabels(cluster.clusterName),
  }, () => cnpgSqlPlan(cluster));
}

/** Databases the Job works in: those with grants and those with publications. */
function databasesWithWork(cluster: IClusterModel, grants: Map<string, Grant[]> = cluster.attachments._grantsByDatabase()): string[] {
  const dbs = new Set<string>([...grants.keys(), ...jobPublications(cluster).map((p) => p.database)]);
  return [...dbs].sort();
}

/** The Job's steps: per database, as its owner, the grants then the row-filtered publications. */
function cnpgSqlPlan(cluster: IClusterModel): SqlJobPlan {
  const grants = cluster.attachments._grantsByDatabase();
  const credentials: SqlJobCredential[] = [];
  const steps: SqlStep[] = [];
  databasesWithWork(cluster, grants).forEach((database, i) => {
    const o = ownerOf(cluster, database);
    const prefix = `OWNER_${i}`;
    credentials.push({ prefix, user: o.user, password: { name: o.secret ?? '', key: 'password' } });
    const sql = [
      grantsSql(grants.get(database) ?? [], o.owner),
      ...jobPublications(cluster).filter((p) => p.database === database).map((p) => publicationSql(publicationSqlSpec(p))),
    ].join('');
    steps.push({ file: `10-${database}.sql`, database, credential: prefix, description: `grants and publications in ${database} (as ${o.owner})`, sql });
  });
  return { credentials, env: [], setup: [], steps };
}

function ownerErrors(cluster: IClusterModel): string[] {
  const errors = new ConfigErrors();
  for (const database of databasesWithWork(cluster)) {
    const o = ownerOf(cluster, database);
    if (!o.owner) {
      errors.add('Database', database, `cluster ${cluster.clusterName} has grants or a row-filtered publication in database ${database}, which CloudNativePG applies with a Job as the database owner, but the database is not declared`,
        `declare it with new Database(scope, id, { cluster, name: '${database}', owner: '<role>' })`);
    } else if (!o.secret) {
      errors.add('Database', `${database} (owner ${o.owner})`, `CloudNativePG applies grants and row-filtered publications with a Job that logs in as the database owner, and owner ${o.owner} has no password Secret`,
        `declare the owner with new DatabaseRole(scope, id, { cluster, name: '${o.owner}', passwordSecretName: '<secret>' })`);
    }
  }
  return errors.messages;
}
