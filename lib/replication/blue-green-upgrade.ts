import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsSubdomain } from '../core/dns';
import { SynthWarnings } from '../core/synth-warnings';
import { DatabaseRole } from '../databases/database-role';
import { checkRoleName, checkSqlIdentifier, parseTableName } from '../model/sql-identifier';
import { NetworkPeer } from '../model/network-peer';
import { Publication, PublicationTarget, PublishedTable } from './publication';
import { LogicalPublisher, Subscription } from './subscription';

/** An online major upgrade (or migration) from one cluster to a new one by logical replication. */
export interface BlueGreenUpgradeProps {
  /** The running cluster (blue), at the old major. */
  readonly source: HaPostgres;

  /**
   * The new cluster (green), at the target major, created for the upgrade: its schema is
   * imported from the source when it is bootstrapped, then it subscribes to the source.
   */
  readonly target: HaPostgres;

  /**
   * A `kubernetes.io/basic-auth` Secret (in both clusters' namespaces) whose `username` is
   * `roleName` and whose `password` the replication role gets.
   */
  readonly replicationSecretName: string;

  /**
   * The role on the source that the target connects as (LOGIN, REPLICATION, member of
   * `pg_read_all_data` to read the schema and copy the tables).
   *
   * @default 'upgrade_replicator'
   */
  readonly roleName?: string;

  /**
   * The tables to replicate (`schema.table`).
   *
   * @default - every table of the source's application database
   */
  readonly tables?: string[];

  /**
   * Publication name on the source.
   *
   * @default 'upgrade_pub'
   */
  readonly publicationName?: string;

  /**
   * Subscription name on the target (and its slot's name on the source).
   *
   * @default 'upgrade_sub'
   */
  readonly subscriptionName?: string;

  /**
   * Import the source database's schema (tables, sequences, indexes, functions, no rows)
   * into the target when it is created: CloudNativePG `bootstrap.initdb.import` with
   * `schemaOnly`; Patroni: the target's SQL Job runs pg_dump --schema-only | pg_restore.
   * Turn off when the schema is created by migrations instead.
   *
   * @default true
   */
  readonly importSchema?: boolean;
}

/**
 * A major upgrade without downtime: a new cluster at the target major (the target) gets
 * the source's schema, subscribes to a publication of the source's tables (initial copy,
 * then continuous changes), and takes over at cutover. The construct renders the
 * replication role, the publication, the subscription, the schema import and the
 * NetworkPolicies between the clusters; the cutover itself (lag and row checks, write
 * pause, sequence synchronization, pool switch) is `ha-postgres upgrade cutover`, whose
 * arguments are in `cutoverArguments`. Logical replication carries no DDL, sequences or
 * large objects: freeze schema changes until the cutover.
 */
export class BlueGreenUpgrade extends Construct {
  public readonly source: HaPostgres;
  public readonly target: HaPostgres;
  /** The replication role on the source. */
  public readonly role: DatabaseRole;
  /** The publication on the source. */
  public readonly publication: Publication;
  /** The subscription on the target. */
  public readonly subscription: Subscription;
  /** Whether the target's schema is imported from the source. */
  public readonly importSchema: boolean;
  /** Database imported from (the source's application database). */
  public readonly sourceDatabase: string;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: BlueGreenUpgradeProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.source = props.source;
    this.target = props.target;
    this.importSchema = props.importSchema ?? true;
    this.sourceDatabase = props.source.databaseName;
    addSynthValidation(this, () => this.errors.messages);
    const roleName = props.roleName ?? 'upgrade_replicator';
    const publicationName = props.publicationName ?? 'upgrade_pub';
    const subscriptionName = props.subscriptionName ?? 'upgrade_sub';

    const from = this.source.intent.version;
    const to = this.target.intent.version;
    if (this.source === this.target) {
      this.errors.add('target', this.target.clusterName, 'is the source cluster itself', 'create a new HaPostgres at the target major as the target');
    } else if (to.major < from.major) {
      this.errors.add('target', `${this.target.clusterName} (PostgreSQL ${to.fullVersion})`, `runs an older major than the source (PostgreSQL ${from.fullVersion}): that is a downgrade`,
        `give the target a version of PostgreSQL ${from.major} or later`);
    } else if (to.major === from.major) {
      SynthWarnings.add(this, `source and target both run PostgreSQL ${to.major}: this is a migration, not a major upgrade.`);
    }
    if (this.target.bootstrap.isRecovery) {
      this.errors.add('target', this.target.clusterName, 'is bootstrapped from an archive; a blue/green upgrade needs a new, empty target that subscribes to the source',
        'use ClusterBootstrap.newDatabase() (the default) for the target');
    }
    checkDnsSubdomain(this.errors, 'replicationSecretName', props.replicationSecretName, 'give the name of a kubernetes.io/basic-auth Secret, e.g. "orders-upgrade-replicator"');
    checkRoleName(this.errors, 'roleName', roleName);
    checkSqlIdentifier(this.errors, 'publicationName', publicationName, 'publication name', 'upgrade_pub');
    checkSqlIdentifier(this.errors, 'subscriptionName', subscriptionName, 'subscription name', 'upgrade_sub');
    (props.tables ?? []).forEach((t, i) => {
      if (!parseTableName(t)) this.errors.add(`tables[${i}]`, t, 'is not a lower-case table name, optionally schema-qualified', 'use e.g. "orders" or "billing.invoices"');
    });
    if (props.tables !== undefined && props.tables.length === 0) {
      this.errors.add('tables', [], 'lists no table', 'list the tables to replicate, or leave tables out for all of them');
    }

    this.role = new DatabaseRole(this, 'Role', {
      cluster: this.source,
      name: roleName,
      login: true,
      replication: true,
      passwordSecretName: props.replicationSecretName,
      // pg_dump --schema-only locks every table it dumps (ACCESS SHARE needs a privilege on it).
      memberOf: this.importSchema ? ['pg_read_all_data'] : [],
      comment: `logical replication to ${this.target.clusterName} (blue/green upgrade)`,
    });
    const target = props.tables ? PublicationTarget.tables(props.tables.map((t) => PublishedTable.of(t))) : PublicationTarget.allTables();
    this.publication = new Publication(this, 'Publication', { cluster: this.source, name: publicationName, target });
    this.subscription = new Subscription(this, 'Subscription', {
      cluster: this.target,
      name: subscriptionName,
      publisher: LogicalPublisher.fromPublication(this.publication, this.role),
      database: this.target.databaseName,
    });

    if (this.importSchema) {
      if (!this.target.attachments.attachSchemaImport(this)) {
        this.errors.add('target', this.target.clusterName, 'already imports its schema for another BlueGreenUpgrade', 'give each upgrade its own target cluster');
      }
      const engine = this.target.engine;
      if (engine.capabilities.schemaImport) engine.bindSchemaImport(this, this);
      else {
        this.errors.add('importSchema', true, `the engine ${engine.name} of the target cannot import a schema yet`,
          'create the schema with your migrations and set importSchema: false, or use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...)');
      }
      // The import runs in a job pod of the target (CloudNativePG's import job, Patroni's SQL Job).
      const profile = engine.networkProfile();
      if (profile) {
        this.source.connections.allowFrom(NetworkPeer.podsWithLabels(profile.clusterPodLabels(this.target.clusterName), this.subscription.namespace));
      }
    }
    SynthWarnings.add(this, `logical replication from ${this.source.clusterName} to ${this.target.clusterName} carries rows only: no DDL, no sequence values, no large objects. ` +
      'Freeze schema changes until the cutover; `ha-postgres upgrade cutover` synchronizes the sequences.');
  }

  /**
   * Arguments of `ha-postgres upgrade status` and `ha-postgres upgrade cutover` for this
   * upgrade, with placeholders for the connection strings (superuser or owner of the
   * databases on each side).
   */
  public get cutoverArguments(): string {
    return `--source "<connection string of ${this.source.readWriteServiceName}, database ${this.publication.database}>" ` +
      `--target "<connection string of ${this.target.readWriteServiceName}, database ${this.subscription.database}>" ` +
      `--publication ${this.publication.publicationName} --subscription ${this.subscription.subscriptionName}`;
  }
}
