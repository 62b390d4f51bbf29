import type { Construct } from 'constructs';
import { addSynthValidation } from '../../core/app-index';
import type { IClusterModel, IPublicationIntent, ISubscriptionIntent } from '../../model/cluster-engine';
import { ApiObject, Lazy } from 'cdk8s';
import * as cnpg from '../../../imports/postgresql.cnpg.io';

import { ConfigErrors } from '../../core/config-error';
import { ReclaimPolicy } from '../../model/database-values';
import { effectiveParameter, validateClusterOnce } from '../../model/logical-requirements';

import { publicationParameters } from '../../model/publication-sql';

import { declarativeLabels } from './cnpg-databases';
import { ensureCnpgSqlJob } from './cnpg-sql-job';

/**
 * Logical replication on CloudNativePG 1.30: `Publication` and `Subscription` resources
 * (reconciled by the instance manager of the primary, with the SQL of
 * internal/management/controller/{publication,subscription}_controller_sql.go), the
 * publisher as an `externalClusters` entry of the subscriber (password and CA from Secrets,
 * written to a passfile, never into the connection string), logical decoding slot
 * synchronization on publishers with standbys (PostgreSQL 17+), and the schema import of a
 * blue/green upgrade's target (`bootstrap.initdb.import`, microservice, schema only).
 */

/** Parameters CloudNativePG 1.30 sets unless the user does (pkg/postgres/configuration.go). */
export const CNPG_PARAMETER_DEFAULTS: { [name: string]: string } = {
  wal_level: 'logical',
  max_replication_slots: '32',
  max_worker_processes: '32',
  max_parallel_workers: '32',
  wal_keep_size: '512MB',
  wal_sender_timeout: '5s',
  wal_receiver_timeout: '5s',
};

/**
 * True when the operator synchronizes `cluster`'s failover logical slots to its standbys:
 * a publisher with standbys on PostgreSQL 17+ (native `sync_replication_slots`; before 17
 * it would need the pg_failover_slots extension, which the library does not configure).
 */
export function cnpgSynchronizesLogicalSlots(cluster: IClusterModel): boolean {
  return cluster.intent.highlyAvailable && cluster.intent.version.major >= 17;
}

/** Parameters slot synchronization needs on every instance (CloudNativePG docs, "Logical decoding slot synchronization"). */
const SLOT_SYNC_PARAMETERS: { [name: string]: string } = { hot_standby_feedback: 'on', sync_replication_slots: 'on' };

/** Slot synchronization parameters the user set to another value, once per publisher. */
function slotSyncErrors(cluster: IClusterModel): string[] {
  const errors = new ConfigErrors();
  for (const [name, value] of Object.entries(SLOT_SYNC_PARAMETERS)) {
    const current = effectiveParameter(cluster, name);
    if (current.userSet && current.value.toLowerCase() !== value) {
      errors.add(`parameters.${name}`, current.value, `cluster ${cluster.clusterName} publishes and has standbys: CloudNativePG synchronizes its logical slots to them (so subscriptions survive a failover) only with ${name} = ${value}`,
        `remove ${name} from the cluster's parameters`);
    }
  }
  return errors.messages;
}

function errorsOf(publication: IPublicationIntent, errors: ConfigErrors): void {
  addSynthValidation(publication, () => errors.messages);
}

/** Renders a Publication resource, or (with row filters) hands it to the cluster's SQL Job. */
export function renderCnpgPublication(scope: Construct, publication: IPublicationIntent): void {
  const cluster = publication.cluster;
  const errors = new ConfigErrors();
  errorsOf(publication, errors);
  if (cnpgSynchronizesLogicalSlots(cluster)) {
    for (const [name, value] of Object.entries(SLOT_SYNC_PARAMETERS)) {
      if (!effectiveParameter(cluster, name).userSet) cluster.addParameters({ [name]: value }, 'Publication (logical slot synchronization)');
    }
    validateClusterOnce(cluster, 'cnpg-slot-sync', () => slotSyncErrors(cluster));
  }
  cluster.attachments._whenGrantsExist(() => ensureCnpgSqlJob(cluster));
  if (publication.hasRowFilters) {
    if (publication.reclaimPolicy === ReclaimPolicy.DELETE) {
      errors.add('reclaimPolicy', publication.reclaimPolicy, 'a publication with row filters is created by the cluster\'s SQL Job (CloudNativePG\'s Publication resource has no row filters), so no operator drops it',
        'use ReclaimPolicy.RETAIN and drop the publication with SQL when it is no longer needed');
    }
    ensureCnpgSqlJob(cluster);
    return;
  }
  const t = publication.target;
  const parameters = publicationParameters(publication);
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.Publication.GVK.apiVersion,
    kind: cnpg.Publication.GVK.kind,
    metadata: { name: publication.resourceName, labels: declarativeLabels(cluster.clusterName, 'publication') },
    spec: cnpg.toJson_PublicationSpec({
      cluster: { name: cluster.clusterName },
      dbname: publication.database,
      name: publication.publicationName,
      target: t.isAllTables ? { allTables: true } : {
        objects: [
          ...t.publishedTables.filter((x) => x.qualified !== undefined).map((x) => ({
            table: { schema: x.qualified!.schema, name: x.qualified!.table, columns: x.columns, only: x.only || undefined },
          })),
          ...t.schemas.map((s) => ({ tablesInSchema: s })),
        ],
      },
      parameters: Object.keys(parameters).length ? parameters : undefined,
      publicationReclaimPolicy: publication.reclaimPolicy as string as cnpg.PublicationSpecPublicationReclaimPolicy,
    }),
  });
}

/** Renders a Subscription resource; its publisher is an externalClusters entry of the subscriber's Cluster. */
export function renderCnpgSubscription(scope: Construct, subscription: ISubscriptionIntent): void {
  const cluster = subscription.cluster;
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.Subscription.GVK.apiVersion,
    kind: cnpg.Subscription.GVK.kind,
    metadata: { name: subscription.resourceName, labels: declarativeLabels(cluster.clusterName, 'subscription') },
    spec: Lazy.any({
      produce: () => cnpg.toJson_SubscriptionSpec({
        cluster: { name: cluster.clusterName },
        dbname: subscription.database,
        name: subscription.subscriptionName,
        externalClusterName: subscription.externalClusterName,
        publicationName: subscription.publisher.publicationName,
        publicationDbName: subscription.connection.database,
        parameters: subscription.parameters,
        subscriptionReclaimPolicy: subscription.reclaimPolicy as string as cnpg.SubscriptionSpecSubscriptionReclaimPolicy,
      }),
    }),
  });
}

/** The `externalClusters` entries of the publishers `cluster` subscribes to. */
export function logicalExternalClusters(cluster: IClusterModel): cnpg.ClusterSpecExternalClusters[] {
  const seen = new Set<string>();
  const out: cnpg.ClusterSpecExternalClusters[] = [];
  for (const s of cluster.attachments.subscriptions) {
    if (seen.has(s.externalClusterName)) continue;
    seen.add(s.externalClusterName);
    const c = s.connection;
    out.push({
      name: s.externalClusterName,
      connectionParameters: { host: c.host, port: String(c.port), user: c.username, dbname: c.database, sslmode: c.sslMode },
      password: { name: c.password.name, key: c.password.key },
      sslRootCert: c.caCertificate ? { name: c.caCertificate.name, key: c.caCertificate.key } : undefined,
    });
  }
  return out;
}

/** `bootstrap.initdb.import` of a blue/green upgrade's target: the source's database, schema only, through the subscription's external cluster. */
export function schemaImportSpec(cluster: IClusterModel): cnpg.ClusterSpecBootstrapInitdbImport | undefined {
  const upgrade = cluster.attachments.schemaImport;
  if (!upgrade) return undefined;
  return {
    type: cnpg.ClusterSpecBootstrapInitdbImportType.MICROSERVICE,
    databases: [upgrade.sourceDatabase],
    schemaOnly: true,
    source: { externalCluster: upgrade.subscription.externalClusterName },
  };
}

/** True when the operator must synchronize the logical slots of `cluster` (it publishes, with standbys, on 17+). */
export function synchronizeLogicalDecoding(cluster: IClusterModel): boolean {
  return cluster.attachments.publications.length > 0 && cnpgSynchronizesLogicalSlots(cluster);
}
