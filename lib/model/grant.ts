import { ConfigErrors } from '../core/config-error';
import { checkSqlIdentifier, parseTableName, quoteIdent, quoteTable } from './sql-identifier';

/** Privileges on tables. */
export enum TablePrivilege {
  SELECT = 'SELECT',
  INSERT = 'INSERT',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  TRUNCATE = 'TRUNCATE',
  REFERENCES = 'REFERENCES',
  TRIGGER = 'TRIGGER',
}

/** Privileges on a schema. */
export enum SchemaPrivilege {
  /** Look up objects in the schema (needed to use any of its tables). */
  USAGE = 'USAGE',
  /** Create objects in the schema. */
  CREATE = 'CREATE',
}

/** Privileges on sequences. */
export enum SequencePrivilege {
  /** `currval` and `nextval` (what an INSERT with a serial column needs). */
  USAGE = 'USAGE',
  SELECT = 'SELECT',
  /** `nextval` and `setval`. */
  UPDATE = 'UPDATE',
}

/** Options of grants on every table (or sequence) of a schema. */
export interface SchemaObjectsGrantOptions {
  /**
   * Also grant on objects created later (`ALTER DEFAULT PRIVILEGES FOR ROLE <database
   * owner>`): objects the database owner creates in the schema get the privileges too.
   *
   * @default true
   */
  readonly includeFutureObjects?: boolean;
}

/** What a grant is on. */
export enum GrantObjectKind {
  SCHEMA = 'schema',
  ALL_TABLES_IN_SCHEMA = 'all-tables-in-schema',
  TABLES = 'tables',
  ALL_SEQUENCES_IN_SCHEMA = 'all-sequences-in-schema',
}

/**
 * A privilege grant inside one database, as code: applied by the engine (CloudNativePG: a
 * Job that connects as the database owner; Patroni: the cluster's SQL Job), idempotent
 * (GRANT of a privilege already held changes nothing). Removing a grant from the code does
 * not revoke it. Role memberships (`GRANT pg_read_all_data TO reporting`) are
 * `DatabaseRole` `memberOf`.
 */
export class Grant {
  /** `GRANT <privileges> ON SCHEMA <schema> TO <role>`. */
  public static onSchema(schema: string, role: string, privileges: SchemaPrivilege[]): Grant {
    return new Grant(GrantObjectKind.SCHEMA, role, [...privileges], schema, [], false);
  }

  /**
   * `GRANT <privileges> ON ALL TABLES IN SCHEMA <schema> TO <role>`, by default also for
   * tables created later. Also grants USAGE on the schema (without it the tables are unreachable).
   */
  public static onAllTablesInSchema(schema: string, role: string, privileges: TablePrivilege[], options: SchemaObjectsGrantOptions = {}): Grant {
    return new Grant(GrantObjectKind.ALL_TABLES_IN_SCHEMA, role, [...privileges], schema, [], options.includeFutureObjects ?? true);
  }

  /**
   * `GRANT <privileges> ON TABLE <tables> TO <role>` (names `table` or `schema.table`), plus
   * USAGE on their schemas. The tables must exist: the engine retries until they do.
   */
  public static onTables(tables: string[], role: string, privileges: TablePrivilege[]): Grant {
    return new Grant(GrantObjectKind.TABLES, role, [...privileges], undefined, [...tables], false);
  }

  /** `GRANT <privileges> ON ALL SEQUENCES IN SCHEMA <schema> TO <role>`, by default also for later ones. */
  public static onAllSequencesInSchema(schema: string, role: string, privileges: SequencePrivilege[], options: SchemaObjectsGrantOptions = {}): Grant {
    return new Grant(GrantObjectKind.ALL_SEQUENCES_IN_SCHEMA, role, [...privileges], schema, [], options.includeFutureObjects ?? true);
  }

  private constructor(
    public readonly kind: GrantObjectKind,
    /** The role that receives the privileges. */
    public readonly role: string,
    public readonly privileges: string[],
    /** The schema (every kind but TABLES). */
    public readonly schema: string | undefined,
    /** The tables (TABLES only). */
    public readonly tables: string[],
    /** Whether default privileges are set for objects created later. */
    public readonly includeFutureObjects: boolean,
  ) {}

  /** A short description for messages, e.g. `SELECT on all tables in schema public to reporting`. */
  public describe(): string {
    const what = this.kind === GrantObjectKind.SCHEMA ? `schema ${this.schema}`
      : this.kind === GrantObjectKind.TABLES ? `tables ${this.tables.join(', ')}`
        : this.kind === GrantObjectKind.ALL_TABLES_IN_SCHEMA ? `all tables in schema ${this.schema}` : `all sequences in schema ${this.schema}`;
    return `${this.privileges.join(', ')} on ${what} to ${this.role}`;
  }

  /**
   * Adds errors for malformed names and privileges that do not apply to the object.
   *
   * @internal
   */
  public _check(errors: ConfigErrors, property: string): void {
    checkSqlIdentifier(errors, `${property}.role`, this.role, 'role name', 'reporting');
    if (this.schema !== undefined) checkSqlIdentifier(errors, `${property}.schema`, this.schema, 'schema name', 'public');
    const allowed: string[] = this.kind === GrantObjectKind.SCHEMA ? Object.values(SchemaPrivilege)
      : this.kind === GrantObjectKind.ALL_SEQUENCES_IN_SCHEMA ? Object.values(SequencePrivilege) : Object.values(TablePrivilege);
    if (this.privileges.length === 0) {
      errors.add(`${property}.privileges`, this.privileges, 'grants nothing', `list at least one of ${allowed.join(', ')}`);
    }
    for (const p of this.privileges) {
      if (!allowed.includes(p)) {
        errors.add(`${property}.privileges`, p, `is not a privilege on ${this.kind === GrantObjectKind.SCHEMA ? 'schemas' : this.kind === GrantObjectKind.ALL_SEQUENCES_IN_SCHEMA ? 'sequences' : 'tables'}`,
          `use ${allowed.join(', ')}`);
      }
    }
    if (this.kind === GrantObjectKind.TABLES) {
      if (this.tables.length === 0) errors.add(`${property}.tables`, this.tables, 'lists no table', 'list tables such as "orders" or "billing.invoices"');
      this.tables.forEach((t, i) => {
        if (!parseTableName(t)) {
          errors.add(`${property}.tables[${i}]`, t, 'is not a lower-case table name, optionally schema-qualified', 'use e.g. "orders" or "billing.invoices"');
        }
      });
    }
  }

  /**
   * The SQL statements, run in the grant's database. `owner` is the database owner, for
   * `ALTER DEFAULT PRIVILEGES FOR ROLE`.
   */
  public toSql(owner: string): string[] {
    const role = quoteIdent(this.role);
    const privileges = [...new Set(this.privileges)].join(', ');
    switch (this.kind) {
      case GrantObjectKind.SCHEMA:
        return [`GRANT ${privileges} ON SCHEMA ${quoteIdent(this.schema as string)} TO ${role};`];
      case GrantObjectKind.TABLES: {
        const names = this.tables.map((t) => parseTableName(t)).filter((n): n is { schema: string; table: string } => n !== undefined);
        const schemas = [...new Set(names.map((n) => n.schema))];
        return [
          ...schemas.map((s) => `GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${role};`),
          `GRANT ${privileges} ON TABLE ${names.map(quoteTable).join(', ')} TO ${role};`,
        ];
      }
      case GrantObjectKind.ALL_TABLES_IN_SCHEMA:
      case GrantObjectKind.ALL_SEQUENCES_IN_SCHEMA: {
        const schema = quoteIdent(this.schema as string);
        const objects = this.kind === GrantObjectKind.ALL_TABLES_IN_SCHEMA ? 'TABLES' : 'SEQUENCES';
        const out = [
          `GRANT USAGE ON SCHEMA ${schema} TO ${role};`,
          `GRANT ${privileges} ON ALL ${objects} IN SCHEMA ${schema} TO ${role};`,
        ];
        if (this.includeFutureObjects) {
          out.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(owner)} IN SCHEMA ${schema} GRANT ${privileges} ON ${objects} TO ${role};`);
        }
        return out;
      }
    }
  }
}
