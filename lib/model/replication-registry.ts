import type { IPublicationIntent, ISchemaImportIntent, ISubscriptionIntent } from './cluster-engine';
import type { IConstruct } from 'constructs';

/**
 * Publications, Subscriptions and blue/green upgrades per cluster, registered by their
 * constructors, so the engines render the cluster-level parts (CloudNativePG's
 * `externalClusters`, logical slot synchronization, the schema import) and the checks
 * count every subscription of a publisher. Type-only imports: no cycle.
 */
interface ClusterReplication {
  readonly publications: IPublicationIntent[];
  /** Subscriptions created on this cluster (it is their subscriber). */
  readonly subscriptions: ISubscriptionIntent[];
  /** Subscriptions of this app that read from this cluster (it is their publisher). */
  readonly subscribers: ISubscriptionIntent[];
  /** The blue/green upgrade whose target this cluster is. */
  importInto?: ISchemaImportIntent;
}

const REPLICATION = new WeakMap<IConstruct, ClusterReplication>();

function of(cluster: IConstruct): ClusterReplication {
  let found = REPLICATION.get(cluster);
  if (!found) {
    found = { publications: [], subscriptions: [], subscribers: [] };
    REPLICATION.set(cluster, found);
  }
  return found;
}

/** Called by Publication's constructor. */
export function registerPublication(cluster: IConstruct, publication: IPublicationIntent): void {
  of(cluster).publications.push(publication);
}

/** Called by Subscription's constructor, with its subscriber and (when in this app) publisher cluster. */
export function registerSubscription(subscriber: IConstruct, publisher: IConstruct | undefined, subscription: ISubscriptionIntent): void {
  of(subscriber).subscriptions.push(subscription);
  if (publisher) of(publisher).subscribers.push(subscription);
}

/** Called by BlueGreenUpgrade's constructor: `target` imports its schema from the upgrade's source. */
export function registerSchemaImport(target: IConstruct, upgrade: ISchemaImportIntent): boolean {
  const r = of(target);
  if (r.importInto) return false;
  r.importInto = upgrade;
  return true;
}

/** The Publications of `cluster`. */
export function publicationsOf(cluster: IConstruct): readonly IPublicationIntent[] {
  return REPLICATION.get(cluster)?.publications ?? [];
}

/** The Subscriptions whose subscriber is `cluster`. */
export function subscriptionsOf(cluster: IConstruct): readonly ISubscriptionIntent[] {
  return REPLICATION.get(cluster)?.subscriptions ?? [];
}

/** The Subscriptions of this app that read from `cluster`. */
export function subscribersOf(cluster: IConstruct): readonly ISubscriptionIntent[] {
  return REPLICATION.get(cluster)?.subscribers ?? [];
}

/** The blue/green upgrade that imports its schema into `cluster`, if any. */
export function schemaImportOf(cluster: IConstruct): ISchemaImportIntent | undefined {
  return REPLICATION.get(cluster)?.importInto;
}
