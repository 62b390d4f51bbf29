import type { Construct } from 'constructs';
import type { IDatabaseIntent, IDatabaseRoleIntent } from '../../model/cluster-engine';
import { ApiObject, Lazy } from 'cdk8s';
import * as cnpg from '../../../imports/postgresql.cnpg.io';

import { labelsOf } from './cnpg-archive';
import { ensureCnpgSqlJob } from './cnpg-sql-job';

/** Labels of the declarative objects of a cluster. */
export function declarativeLabels(clusterName: string, component: string): { [key: string]: string } {
  return { ...labelsOf(clusterName), 'app.kubernetes.io/component': component };
}

/**
 * A `DatabaseRole` (CloudNativePG 1.30): the instance manager of the primary creates the
 * role, keeps its attributes, memberships (`inRoles`) and password (from the basic-auth
 * Secret, SCRAM-encoded before it is sent) as declared. Superuser is never declared.
 */
export function renderCnpgDatabaseRole(scope: Construct, role: IDatabaseRoleIntent): void {
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.DatabaseRole.GVK.apiVersion,
    kind: cnpg.DatabaseRole.GVK.kind,
    metadata: { name: role.resourceName, labels: declarativeLabels(role.cluster.clusterName, 'database-role') },
    // Lazy: memberships added later (a publication's subscriber role) land in inRoles.
    spec: Lazy.any({
      produce: () => cnpg.toJson_DatabaseRoleSpec({
        cluster: { name: role.cluster.clusterName },
        name: role.roleName,
        ensure: cnpg.DatabaseRoleSpecEnsure.PRESENT,
        login: role.login,
        superuser: false,
        createdb: role.createDatabases,
        createrole: role.createRoles,
        inherit: role.inherit,
        replication: role.replication,
        bypassrls: role.bypassRowLevelSecurity,
        connectionLimit: role.connectionLimit,
        inRoles: role.memberOf.length ? role.memberOf : undefined,
        passwordSecret: role.passwordSecretName ? { name: role.passwordSecretName } : undefined,
        comment: role.comment,
        validUntil: role.validUntil ? new Date(role.validUntil) : undefined,
        databaseRoleReclaimPolicy: role.reclaimPolicy as string as cnpg.DatabaseRoleSpecDatabaseRoleReclaimPolicy,
      }),
    }),
  });
}

/**
 * A `Database`: the instance manager creates the database, keeps owner, connection
 * settings, extensions and schemas as declared. Grants (the resource has none) go to the
 * cluster's SQL Job.
 */
export function renderCnpgDatabase(scope: Construct, database: IDatabaseIntent): void {
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.Database.GVK.apiVersion,
    kind: cnpg.Database.GVK.kind,
    metadata: { name: database.resourceName, labels: declarativeLabels(database.cluster.clusterName, 'database') },
    spec: cnpg.toJson_DatabaseSpec({
      cluster: { name: database.cluster.clusterName },
      name: database.databaseName,
      owner: database.owner,
      ensure: cnpg.DatabaseSpecEnsure.PRESENT,
      encoding: database.encoding,
      locale: database.locale,
      template: database.locale !== undefined ? 'template0' : undefined,
      connectionLimit: database.connectionLimit,
      allowConnections: database.allowConnections,
      extensions: database.extensions.length ? database.extensions.map((e) => ({
        name: e.name, version: e.version, schema: e.schema, ensure: cnpg.DatabaseSpecExtensionsEnsure.PRESENT,
      })) : undefined,
      schemas: database.schemas.length ? database.schemas.map((s) => ({
        name: s.name, owner: s.owner ?? database.owner, ensure: cnpg.DatabaseSpecSchemasEnsure.PRESENT,
      })) : undefined,
      databaseReclaimPolicy: database.reclaimPolicy as string as cnpg.DatabaseSpecDatabaseReclaimPolicy,
    }),
  });
  // The Job renders as soon as the cluster has a grant (declared now or added later).
  database.cluster.attachments._whenGrantsExist(() => ensureCnpgSqlJob(database.cluster));
}
