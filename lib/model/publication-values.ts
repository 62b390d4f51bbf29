import { parseTableName } from './sql-identifier';

/** Kinds of change a publication sends. */
export enum PublishOperation {
  INSERT = 'insert',
  UPDATE = 'update',
  DELETE = 'delete',
  TRUNCATE = 'truncate',
}

/** Options of a published table. */
export interface PublishedTableOptions {
  /**
   * Publish only these columns (a column list, PostgreSQL 15+). Must include the
   * replica identity (primary key) columns when updates or deletes are published.
   *
   * @default - every column
   */
  readonly columns?: string[];

  /**
   * Publish only the rows for which this SQL expression is true (`WHERE (…)`, PostgreSQL
   * 15+), e.g. `region = 'eu'`. Only columns of the table and immutable built-in functions.
   * With UPDATE or DELETE published, the columns it uses must be part of the replica
   * identity, or updates and deletes of the table fail on the publisher.
   *
   * @default - every row
   */
  readonly rowFilter?: string;

  /**
   * Publish this table only, not its inheritance children (`ONLY`).
   *
   * @default false
   */
  readonly only?: boolean;
}

/** A table of a publication, with an optional column list and row filter. */
export class PublishedTable {
  /** The table `name` (`orders` or `billing.invoices`). */
  public static of(name: string, options: PublishedTableOptions = {}): PublishedTable {
    return new PublishedTable(name, options.columns ? [...options.columns] : undefined, options.rowFilter, options.only ?? false);
  }

  private constructor(
    public readonly name: string,
    public readonly columns: string[] | undefined,
    public readonly rowFilter: string | undefined,
    public readonly only: boolean,
  ) {}

  /** `{ schema, table }` (schema `public` when none is given); undefined when the name is malformed. */
  public get qualified(): QualifiedTableName | undefined {
    return parseTableName(this.name);
  }
}

/** A table name with its schema. */
export interface QualifiedTableName {
  readonly schema: string;
  readonly table: string;
}

/** Kind of publication target. */
export enum PublicationTargetKind {
  ALL_TABLES = 'all-tables',
  OBJECTS = 'objects',
}

/** What a publication publishes. */
export class PublicationTarget {
  /** Every table of the database, including tables created later (`FOR ALL TABLES`). */
  public static allTables(): PublicationTarget {
    return new PublicationTarget(PublicationTargetKind.ALL_TABLES, [], []);
  }

  /** These tables (`FOR TABLE …`), each optionally with a column list or a row filter (PostgreSQL 15+). */
  public static tables(tables: PublishedTable[]): PublicationTarget {
    return new PublicationTarget(PublicationTargetKind.OBJECTS, [...tables], []);
  }

  /**
   * Every table of these schemas, including tables created later (`FOR TABLES IN SCHEMA`,
   * PostgreSQL 15+), plus `tables` (without column lists: PostgreSQL refuses them together).
   */
  public static tablesInSchemas(schemas: string[], tables: PublishedTable[] = []): PublicationTarget {
    return new PublicationTarget(PublicationTargetKind.OBJECTS, [...tables], [...schemas]);
  }

  private constructor(
    public readonly kind: PublicationTargetKind,
    /** The listed tables (the static `tables()` builds a target from them). */
    public readonly publishedTables: PublishedTable[],
    public readonly schemas: string[],
  ) {}

  /** True when the target is every table of the database. */
  public get isAllTables(): boolean {
    return this.kind === PublicationTargetKind.ALL_TABLES;
  }
}
