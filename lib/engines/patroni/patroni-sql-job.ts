import type { Construct } from 'constructs';
import type { IClusterModel, IDatabaseIntent, IDatabaseRoleIntent, IPublicationIntent, ISchemaImportIntent, ISubscriptionIntent } from '../../model/cluster-engine';
import { Chart } from 'cdk8s';

import { ConfigErrors } from '../../core/config-error';
import { SynthWarnings } from '../../core/synth-warnings';

import { ReclaimPolicy } from '../../model/database-values';

import { databasesSql, grantsSql, publicationSql, rolesSql, schemasAndExtensionsSql, subscriptionSql } from '../../model/intent-sql';
import { renderSqlJob, SqlJobCredential, sqlJobPodLabels, SqlJobPlan, SqlStep } from '../sql-job';

import { publicationSqlSpec, subscriptionEnv, subscriptionSqlSpec } from '../../model/publication-sql';
import { PublisherSslMode } from '../../model/subscription-values';
import { NetworkPeer } from '../../model/network-peer';
import { PATRONI_LAYOUT as L } from './patroni-layout';

/**
 * Declarative roles, databases, grants, publications, subscriptions and the schema import
 * of a blue/green upgrade on Patroni, which has no operator: one SQL Job per cluster
 * (lib/engines/sql-job.ts) that connects to the leader through the read-write Service as
 * the superuser (password from the engine's credentials Secret) and applies everything, in
 * order, idempotently: roles, databases, the schema import, then per database its schemas,
 * extensions, grants and publications, then the subscriptions.
 */

/** What the Job needs from the engine. */
export interface PatroniSqlJobOptions {
  readonly credentialsSecretName: string;
  readonly userId: number;
}

const JOBS = new WeakSet<IClusterModel>();

/** Renders the cluster's SQL Job once. */
export function ensurePatroniSqlJob(cluster: IClusterModel, opts: PatroniSqlJobOptions): void {
  if (JOBS.has(cluster)) return;
  JOBS.add(cluster);
  renderSqlJob(cluster, cluster, {
    image: cluster.intent.imageName,
    userId: opts.userId,
    host: cluster.readWriteServiceName,
    port: cluster.port,
    // The engine's certificate comes from the user's Secret, without a known CA: encrypted, not verified.
    sslMode: cluster.tls.requireTls ? 'require' : 'prefer',
    instanceLabels: cluster.engine.instanceLabels(cluster.clusterName),
  }, () => patroniSqlPlan(cluster, opts), () => {
    const upgrade = cluster.attachments.schemaImport;
    const source = upgrade?.source;
    return source ? [{ peer: NetworkPeer.fromCluster(source), port: source.port }] : [];
  });
}

/** Every database the Job works in (declared, or with grants, publications or subscriptions). */
function workDatabases(cluster: IClusterModel): string[] {
  return [...new Set([
    ...cluster.attachments.databases.map((d) => d.databaseName),
    ...cluster.attachments.implicitGrants.map((g) => g.database),
    ...cluster.attachments.publications.map((p) => p.database),
    ...cluster.attachments.subscriptions.map((s) => s.database),
  ])].sort();
}

/** The Job's plan, read at synth time. */
function patroniSqlPlan(cluster: IClusterModel, opts: PatroniSqlJobOptions): SqlJobPlan {
  const credentials: SqlJobCredential[] = [{ prefix: 'SUPERUSER', user: L.superuser, password: { name: opts.credentialsSecretName, key: L.secretKeys.superuser } }];
  const env: SqlJobPlan['env'] = [];
  const roles = cluster.attachments.roles;
  const roleEnv = new Map<IDatabaseRoleIntent, string>();
  roles.forEach((r, i) => {
    if (!r.passwordSecretName) return;
    const name = `ROLE_PASSWORD_${i}`;
    roleEnv.set(r, name);
    env.push({ name, secret: { name: r.passwordSecretName, key: 'password' } });
  });
  const setup: SqlStep[] = [];
  if (roles.length) setup.push({ file: '10-roles.sql', database: 'postgres', credential: 'SUPERUSER', description: `${roles.length} role(s)`, sql: rolesSql(roles, (r) => roleEnv.get(r)) });
  const dbs = cluster.attachments.databases;
  if (dbs.length) setup.push({ file: '20-databases.sql', database: 'postgres', credential: 'SUPERUSER', description: `${dbs.length} database(s)`, sql: databasesSql(dbs) });

  const upgrade = cluster.attachments.schemaImport;
  let importSchema: SqlJobPlan['importSchema'];
  if (upgrade) {
    const c = upgrade.subscription.connection;
    credentials.push({ prefix: 'SOURCE', user: c.username, password: c.password });
    env.push({ name: 'SOURCE_HOST', value: c.host }, { name: 'SOURCE_PORT', value: String(c.port) });
    importSchema = {
      sourceSslMode: PublisherSslMode.REQUIRE, sourceDatabase: upgrade.sourceDatabase, sourceCredential: 'SOURCE',
      targetDatabase: cluster.databaseName, targetOwner: cluster.ownerName, targetCredential: 'SUPERUSER',
    };
  }

  const steps: SqlStep[] = [];
  const grants = cluster.attachments._grantsByDatabase();
  const subscriptions = cluster.attachments.subscriptions;
  for (const database of workDatabases(cluster)) {
    const declared: IDatabaseIntent | undefined = dbs.find((d) => d.databaseName === database);
    const owner = declared?.owner ?? cluster.ownerName;
    const sql = [
      declared ? schemasAndExtensionsSql(declared) : '',
      grantsSql(grants.get(database) ?? [], owner),
      ...cluster.attachments.publications.filter((p: IPublicationIntent) => p.database === database).map((p) => publicationSql(publicationSqlSpec(p))),
    ].join('');
    if (sql) steps.push({ file: `30-${database}.sql`, database, credential: 'SUPERUSER', description: `schemas, extensions, grants and publications in ${database}`, sql });
  }
  subscriptions.forEach((s, i) => {
    const names = subscriptionEnv(i);
    const c = s.connection;
    env.push({ name: names.host, value: c.host }, { name: names.port, value: String(c.port) }, { name: names.password, secret: c.password });
    steps.push({
      file: `40-subscription-${i}.sql`, database: s.database, credential: 'SUPERUSER', description: `subscription ${s.subscriptionName}`,
      // The subscriber's servers have no CA file to verify the publisher with.
      sql: subscriptionSql(subscriptionSqlSpec(s, i, PublisherSslMode.REQUIRE)),
    });
  });
  return { credentials, env, setup, importSchema, steps };
}

/** Validations the Patroni engine adds to a declared object: what only an operator could do. */
export function patroniObjectErrors(engineName: string, reclaimPolicy: ReclaimPolicy, what: string): string[] {
  const errors = new ConfigErrors();
  if (reclaimPolicy === ReclaimPolicy.DELETE) {
    errors.add('reclaimPolicy', reclaimPolicy, `${engineName} has no operator that drops the ${what} when the declaration goes away`,
      `use ReclaimPolicy.RETAIN (the default) and drop the ${what} with SQL when it is no longer needed`);
  }
  return errors.messages;
}

/** Checks of a subscription on a Patroni subscriber. */
export function patroniSubscriptionErrors(subscription: ISubscriptionIntent, engineName: string): string[] {
  const errors = new ConfigErrors();
  const ext = subscription.publisher.externalPublisher;
  if (ext && (ext.sslMode ?? PublisherSslMode.VERIFY_FULL) !== PublisherSslMode.REQUIRE) {
    errors.add('publisher.sslMode', ext.sslMode ?? PublisherSslMode.VERIFY_FULL, `a ${engineName} subscriber cannot verify the publisher's certificate: the CA would have to be a file on every member`,
      'use PublisherSslMode.REQUIRE (encrypted, not verified), or a CloudNativePG subscriber');
  }
  return [...errors.messages, ...patroniObjectErrors(engineName, subscription.reclaimPolicy, 'subscription')];
}

/** Warns about what a Patroni subscriber does differently, and lets its Job reach a schema import's source. */
export function patroniSubscriptionNotes(subscription: ISubscriptionIntent): void {
  if (!subscription.publisher.externalPublisher && subscription.connection.sslMode !== PublisherSslMode.REQUIRE) {
    SynthWarnings.add(subscription, 'a Patroni subscriber connects to the publisher with sslmode require: encrypted, but the certificate is not verified (the CA is not on the members). ' +
      'The connection string, with the password, is stored in pg_subscription (readable by superusers only).');
  }
}

/** The import's source lets the target's SQL Job in. */
export function allowSchemaImport(_scope: Construct, upgrade: ISchemaImportIntent): void {
  upgrade.source.connections.allowFrom(NetworkPeer.podsWithLabels(sqlJobPodLabels(upgrade.target.clusterName), Chart.of(upgrade.target).namespace));
}
