import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { SynthWarnings } from '../core/synth-warnings';
import { DatabaseRole, ReclaimPolicy } from '../databases/database-role';
import { Grant, TablePrivilege } from '../model/grant';
import { checkSqlIdentifier, kubernetesName } from '../model/sql-identifier';
import { publisherRequirementErrors, requireLogicalWalLevel, validateClusterOnce } from '../model/logical-requirements';
import { engineCannotRender } from '../model/cluster-engine';
import { PublishOperation, PublishedTableOptions, PublishedTable, QualifiedTableName, PublicationTargetKind, PublicationTarget } from '../model/publication-values';
export { PublishOperation, PublishedTable, PublicationTargetKind, PublicationTarget };
export type { PublishedTableOptions, QualifiedTableName };

/** A logical replication publication, as code. */
export interface PublicationProps {
  /** The publisher cluster. */
  readonly cluster: HaPostgres;

  /** Publication name in PostgreSQL: a lower-case identifier. */
  readonly name: string;

  /** What is published. */
  readonly target: PublicationTarget;

  /**
   * Database of the publication.
   *
   * @default - the cluster's application database
   */
  readonly database?: string;

  /**
   * Which changes are sent.
   *
   * @default - insert, update, delete and truncate
   */
  readonly operations?: PublishOperation[];

  /**
   * Publish changes of partitions as changes of their partitioned root table
   * (`publish_via_partition_root`), so a subscriber with another partitioning (or none)
   * can apply them.
   *
   * @default false
   */
  readonly publishViaPartitionRoot?: boolean;

  /**
   * What happens when the declaration is removed (CloudNativePG: when the Publication
   * resource is deleted). Patroni: only RETAIN.
   *
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

const ALL_OPERATIONS = [PublishOperation.INSERT, PublishOperation.UPDATE, PublishOperation.DELETE, PublishOperation.TRUNCATE];

/**
 * A publication of tables of a cluster, for logical replication to Subscriptions.
 * CloudNativePG renders a `Publication` resource, except for publications with row filters
 * (the resource has no field for them), which the cluster's SQL Job creates as the
 * database owner; Patroni creates it with the cluster's SQL Job. The publisher is checked
 * at synth time: `wal_level = logical` (set on Patroni, CloudNativePG's default), enough
 * replication slots and WAL senders for the standbys and every Subscription of this app,
 * and the WAL its slots may retain bounded (`maxSlotWalKeepSize`).
 */
export class Publication extends Construct {
  public readonly cluster: HaPostgres;
  public readonly publicationName: string;
  public readonly target: PublicationTarget;
  public readonly database: string;
  public readonly operations: PublishOperation[];
  public readonly publishViaPartitionRoot: boolean;
  public readonly reclaimPolicy: ReclaimPolicy;
  /** Name of the engine's Kubernetes object (CloudNativePG: the Publication): `<cluster>-pub-<name>`. */
  public readonly resourceName: string;

  private readonly errors = new ConfigErrors();
  private readonly subscriberRoles: DatabaseRole[] = [];

  public constructor(scope: Construct, id: string, props: PublicationProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.publicationName = props.name;
    this.target = props.target;
    this.database = props.database ?? props.cluster.databaseName;
    this.operations = props.operations ? [...new Set(props.operations)] : [...ALL_OPERATIONS];
    this.publishViaPartitionRoot = props.publishViaPartitionRoot ?? false;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    this.resourceName = kubernetesName(props.cluster.clusterName, 'pub', props.name ?? '');
    addSynthValidation(this, () => this.errors.messages);
    validateClusterOnce(this.cluster, 'publisher', () => publisherRequirementErrors(this.cluster));

    checkSqlIdentifier(this.errors, 'name', this.publicationName, 'publication name', 'orders_pub');
    checkSqlIdentifier(this.errors, 'database', this.database, 'database name', 'app');
    this.checkOperations();
    this.checkTarget();
    requireLogicalWalLevel(this.cluster, this.errors);

    this.cluster.attachments.addPublication(this);
    const engine = this.cluster.engine;
    if (engine.capabilities.publications) engine.bindPublication(this, this);
    else engineCannotRender(this.errors, this.cluster, engine, 'Publication');
  }

  /**
   * The tables listed by name, as `schema.table` (besides them, `target.schemas` may publish
   * whole schemas); undefined for a publication of all tables.
   */
  public get tableNames(): string[] | undefined {
    if (this.target.isAllTables) return undefined;
    return this.target.publishedTables.map((t) => t.qualified).filter((q): q is { schema: string; table: string } => q !== undefined)
      .map((q) => `${q.schema}.${q.table}`);
  }

  /** True when some table has a row filter (CloudNativePG's resource cannot express it). */
  public get hasRowFilters(): boolean {
    return this.target.publishedTables.some((t) => t.rowFilter !== undefined);
  }

  /** The Kubernetes namespace of the publication (its chart's), if known. */
  public get namespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /** Roles given read access for subscribing (`grantSubscribe()`). */
  public get subscribers(): DatabaseRole[] {
    return [...this.subscriberRoles];
  }

  /**
   * Gives `role` (of the publisher cluster) what a subscriber's connection needs to copy
   * the published tables: SELECT on the listed tables (and USAGE on their schemas), SELECT
   * on every table of the published schemas, or, for all tables, membership of
   * `pg_read_all_data`. The role needs REPLICATION and LOGIN.
   */
  public grantSubscribe(role: DatabaseRole): void {
    libraryStateChanged();
    if (this.subscriberRoles.includes(role)) return;
    this.subscriberRoles.push(role);
    const prop = `grantSubscribe(${role.roleName})`;
    if (role.cluster !== this.cluster) {
      this.errors.add(prop, role.cluster.clusterName, `the role belongs to cluster ${role.cluster.clusterName}, the publication to ${this.cluster.clusterName}`,
        'declare the subscriber role on the publisher cluster');
      return;
    }
    if (!role.replication || !role.login) {
      this.errors.add(prop, role.roleName, 'a subscriber connects with a replication connection, which needs a role with LOGIN and REPLICATION',
        `declare the role with login: true and replication: true`);
    }
    const reason = `publication ${this.publicationName}`;
    if (this.target.isAllTables) {
      role.addMembership('pg_read_all_data', prop);
      return;
    }
    for (const schema of this.target.schemas) {
      this.cluster.attachments.addImplicitGrant(this.database, Grant.onAllTablesInSchema(schema, role.roleName, [TablePrivilege.SELECT]), reason);
    }
    const tables = this.target.publishedTables.filter((t) => t.qualified !== undefined).map((t) => t.name);
    if (tables.length > 0) this.cluster.attachments.addImplicitGrant(this.database, Grant.onTables(tables, role.roleName, [TablePrivilege.SELECT]), reason);
  }

  private checkOperations(): void {
    if (this.operations.length === 0) {
      this.errors.add('operations', [], 'publishes no change at all', 'list at least PublishOperation.INSERT, or leave operations out for all four');
    }
    for (const op of this.operations) {
      if (!ALL_OPERATIONS.includes(op)) this.errors.add('operations', op, 'is not an operation a publication sends', 'use insert, update, delete or truncate');
    }
  }

  private checkTarget(): void {
    const t = this.target;
    const major = this.cluster.intent.version.major;
    if (t.kind === PublicationTargetKind.OBJECTS && t.publishedTables.length === 0 && t.schemas.length === 0) {
      this.errors.add('target', 'PublicationTarget.tables([])', 'publishes nothing', 'list tables, or use PublicationTarget.allTables()');
    }
    t.schemas.forEach((s, i) => {
      checkSqlIdentifier(this.errors, `target.schemas[${i}]`, s, 'schema name', 'public');
      if (major < 15) {
        this.errors.add(`target.schemas[${i}]`, s, `FOR TABLES IN SCHEMA needs PostgreSQL 15 or later; the publisher runs ${major}`,
          'list the tables with PublicationTarget.tables([...]), or upgrade the publisher');
      }
    });
    const names = t.publishedTables.map((x) => x.qualified ? `${x.qualified.schema}.${x.qualified.table}` : x.name);
    const updatesOrDeletes = this.operations.some((o) => o === PublishOperation.UPDATE || o === PublishOperation.DELETE);
    t.publishedTables.forEach((table, i) => {
      const prop = `target.tables[${i}]`;
      if (!table.qualified) {
        this.errors.add(`${prop}.name`, table.name, 'is not a lower-case table name, optionally schema-qualified', 'use e.g. "orders" or "billing.invoices"');
        return;
      }
      if (names.indexOf(names[i]) !== i) this.errors.add(`${prop}.name`, table.name, 'is listed more than once', 'list each table once');
      if (table.columns !== undefined) {
        if (major < 15) {
          this.errors.add(`${prop}.columns`, table.columns, `column lists need PostgreSQL 15 or later; the publisher runs ${major}`,
            'publish every column (remove columns), or upgrade the publisher');
        }
        if (t.schemas.length > 0) {
          this.errors.add(`${prop}.columns`, table.columns, 'PostgreSQL refuses column lists in a publication that also publishes whole schemas',
            'use two publications, or publish the table without a column list');
        }
        if (table.columns.length === 0) this.errors.add(`${prop}.columns`, table.columns, 'lists no column', 'list columns, or remove columns to publish all');
        table.columns.forEach((c, j) => checkSqlIdentifier(this.errors, `${prop}.columns[${j}]`, c, 'column name', 'id'));
        const dup = table.columns.filter((c, j) => table.columns!.indexOf(c) !== j);
        if (dup.length > 0) this.errors.add(`${prop}.columns`, table.columns, `lists ${JSON.stringify(dup[0])} more than once`, 'list each column once');
        if (updatesOrDeletes) {
          SynthWarnings.add(this, `${prop} (${table.name}) has a column list: it must include every replica identity (primary key) column, ` +
            'or UPDATE and DELETE on the table fail on the publisher.');
        }
      }
      if (table.rowFilter !== undefined) {
        if (major < 15) {
          this.errors.add(`${prop}.rowFilter`, table.rowFilter, `row filters need PostgreSQL 15 or later; the publisher runs ${major}`,
            'publish every row (remove rowFilter), or upgrade the publisher');
        }
        const f = table.rowFilter;
        if (f.trim() === '' || f.includes(';') || f.includes('\0') || !balanced(f)) {
          this.errors.add(`${prop}.rowFilter`, f, 'is not a single SQL expression (empty, a semicolon, or unbalanced parentheses or quotes)',
            'give a boolean expression over the table\'s columns, e.g. "region = \'eu\'"');
        }
        if (updatesOrDeletes) {
          SynthWarnings.add(this, `${prop} (${table.name}) has a row filter and the publication publishes ${this.operations.filter((o) => o === 'update' || o === 'delete').join(' and ')}: ` +
            'the filter may use replica identity (primary key) columns only, or UPDATE and DELETE on the table fail on the publisher (or give it REPLICA IDENTITY FULL).');
        }
      }
    });
  }
}

/** True when parentheses are balanced outside quotes and every quote is closed. */
function balanced(expr: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '\'' || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0 && quote === undefined;
}
