import type { IConstruct } from 'constructs';
import { libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import type {
  IArchiveIntent, IDatabaseIntent, IDatabaseRoleIntent, IPoolerIntent, IPublicationIntent, IRestoreDrillIntent, IScheduledBackupIntent,
  ISchemaImportIntent, ISubscriptionIntent,
} from './cluster-engine';
import type { Grant } from './grant';

/** A ClusterMonitoring as the cluster's checks see it. */
export interface IMonitoringIntent extends IConstruct {
  /** Metric families its alerting rules read (e.g. `cnpg_pg_replication_lag`), sorted. */
  alertedMetrics(): string[];
}

/** A grant that another construct needs in a database (a publication's SELECT for its subscribers). */
export interface ImplicitGrant {
  /** Database the grant applies in. */
  readonly database: string;
  /** The grant. */
  readonly grant: Grant;
  /** Which construct needs it, for messages. */
  readonly reason: string;
}

/**
 * Everything attached to one cluster, in creation order: its WAL archive, scheduled backups,
 * restore drills, pools, roles, databases, publications, subscriptions (as subscriber and as
 * publisher), the blue/green schema import into it, and its monitoring. Owned by the cluster
 * (`IClusterModel.attachments`); each attached construct adds itself in its constructor, and
 * engines and checks read it here instead of scanning the app. Attachments may live in other
 * scopes than the cluster, and later ones land in lazy specs and synth-time checks.
 */
export class ClusterAttachments {
  private _archive?: IArchiveIntent;
  private readonly _scheduledBackups: IScheduledBackupIntent[] = [];
  private readonly _restoreDrills: IRestoreDrillIntent[] = [];
  private readonly _pools: IPoolerIntent[] = [];
  private readonly _roles: IDatabaseRoleIntent[] = [];
  private readonly _databases: IDatabaseIntent[] = [];
  private readonly _implicitGrants: ImplicitGrant[] = [];
  private readonly _publications: IPublicationIntent[] = [];
  private readonly _subscriptions: ISubscriptionIntent[] = [];
  private readonly _subscribers: ISubscriptionIntent[] = [];
  private readonly _monitoring: IMonitoringIntent[] = [];
  private _schemaImport?: ISchemaImportIntent;
  private hasGrants = false;
  private readonly onFirstGrant: Array<() => void> = [];
  private readonly errors = new ConfigErrors();

  /** @param clusterName the cluster's name, for messages */
  public constructor(private readonly clusterName: string) {}

  /**
   * Attachments the cluster refuses (a second archive), reported by the cluster.
   *
   * @internal
   */
  public _errorMessages(): string[] {
    return this.errors.messages;
  }

  /** The WAL archive, if any. */
  public get archive(): IArchiveIntent | undefined {
    return this._archive;
  }

  /** ScheduledBackups into the cluster's archive (suspended ones included). */
  public get scheduledBackups(): IScheduledBackupIntent[] {
    return [...this._scheduledBackups];
  }

  /** RestoreDrills of the cluster. */
  public get restoreDrills(): IRestoreDrillIntent[] {
    return [...this._restoreDrills];
  }

  /** PgBouncerPools of the cluster (including any whose engine cannot render them). */
  public get pools(): IPoolerIntent[] {
    return [...this._pools];
  }

  /** DatabaseRoles of the cluster. */
  public get roles(): IDatabaseRoleIntent[] {
    return [...this._roles];
  }

  /** Databases of the cluster. */
  public get databases(): IDatabaseIntent[] {
    return [...this._databases];
  }

  /** Grants other constructs need (publications), per database. */
  public get implicitGrants(): ImplicitGrant[] {
    return [...this._implicitGrants];
  }

  /** Publications on the cluster. */
  public get publications(): IPublicationIntent[] {
    return [...this._publications];
  }

  /** Subscriptions whose subscriber is the cluster. */
  public get subscriptions(): ISubscriptionIntent[] {
    return [...this._subscriptions];
  }

  /** Subscriptions of this app that read from the cluster (it is their publisher). */
  public get subscribers(): ISubscriptionIntent[] {
    return [...this._subscribers];
  }

  /** The blue/green upgrade that imports its schema into the cluster, if any. */
  public get schemaImport(): ISchemaImportIntent | undefined {
    return this._schemaImport;
  }

  /** ClusterMonitorings of the cluster. */
  public get monitoring(): IMonitoringIntent[] {
    return [...this._monitoring];
  }

  /**
   * Attaches the WAL archive (WalArchive's constructor). A cluster has at most one: a
   * second is reported on the cluster and not attached (returns false).
   */
  public attachArchive(archive: IArchiveIntent): boolean {
    libraryStateChanged();
    if (this._archive) {
      this.errors.add('WalArchive', archive.node.path, `cluster "${this.clusterName}" already archives through ${this._archive.node.path}; an instance has exactly one WAL archiver`,
        'keep one WalArchive per cluster (use ScheduledBackup for more backups into it)');
      return false;
    }
    this._archive = archive;
    return true;
  }

  /** ScheduledBackup's constructor (on the cluster of its archive). */
  public addScheduledBackup(backup: IScheduledBackupIntent): void {
    libraryStateChanged();
    this._scheduledBackups.push(backup);
  }

  /** RestoreDrill's constructor. */
  public addRestoreDrill(drill: IRestoreDrillIntent): void {
    libraryStateChanged();
    this._restoreDrills.push(drill);
  }

  /** PgBouncerPool's constructor. */
  public addPool(pool: IPoolerIntent): void {
    libraryStateChanged();
    this._pools.push(pool);
  }

  /** DatabaseRole's constructor. */
  public addRole(role: IDatabaseRoleIntent): void {
    libraryStateChanged();
    this._roles.push(role);
  }

  /** Database's constructor. */
  public addDatabase(database: IDatabaseIntent): void {
    libraryStateChanged();
    this._databases.push(database);
  }

  /** A grant that another construct needs in `database` (`reason` names it). */
  public addImplicitGrant(database: string, grant: Grant, reason: string): void {
    libraryStateChanged();
    this._implicitGrants.push({ database, grant, reason });
    this.noteGrant();
  }

  /** Called when a grant is added anywhere on the cluster (Database.addGrant, implicit grants). */
  public noteGrant(): void {
    libraryStateChanged();
    if (this.hasGrants) return;
    this.hasGrants = true;
    for (const fn of this.onFirstGrant.splice(0)) fn();
  }

  /**
   * Runs `fn` once the cluster has a grant (now, if it already has one): engines render
   * grant Jobs on demand.
   *
   * @internal
   */
  public _whenGrantsExist(fn: () => void): void {
    if (this.hasGrants) fn();
    else this.onFirstGrant.push(fn);
  }

  /** Grants of each database: the declared ones, then those other constructs need (publications), in creation order. @internal */
  public _grantsByDatabase(): Map<string, Grant[]> {
    const out = new Map<string, Grant[]>();
    const add = (db: string, g: Grant) => { if (!out.has(db)) out.set(db, []); out.get(db)!.push(g); };
    for (const db of this._databases) for (const g of db.grants) add(db.databaseName, g);
    for (const { database, grant } of this._implicitGrants) add(database, grant);
    return out;
  }

  /** Publication's constructor. */
  public addPublication(publication: IPublicationIntent): void {
    libraryStateChanged();
    this._publications.push(publication);
  }

  /** Subscription's constructor, on its subscriber cluster. */
  public addSubscription(subscription: ISubscriptionIntent): void {
    libraryStateChanged();
    this._subscriptions.push(subscription);
  }

  /** Subscription's constructor, on its publisher cluster (when it is in this app). */
  public addSubscriber(subscription: ISubscriptionIntent): void {
    libraryStateChanged();
    this._subscribers.push(subscription);
  }

  /** BlueGreenUpgrade's constructor, on its target: false when another upgrade already imports into it. */
  public attachSchemaImport(upgrade: ISchemaImportIntent): boolean {
    libraryStateChanged();
    if (this._schemaImport) return false;
    this._schemaImport = upgrade;
    return true;
  }

  /** ClusterMonitoring's constructor. */
  public addMonitoring(monitoring: IMonitoringIntent): void {
    libraryStateChanged();
    this._monitoring.push(monitoring);
  }
}
