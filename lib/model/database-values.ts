/** What happens in PostgreSQL when the declaration is removed. */
export enum ReclaimPolicy {
  /** Keep the object in PostgreSQL (CloudNativePG's default). */
  RETAIN = 'retain',
  /** Drop it (CloudNativePG only: the operator drops it when the resource is deleted). */
  DELETE = 'delete',
}

/** An extension installed in a database. */
export interface DatabaseExtension {
  /** Extension name, as in `CREATE EXTENSION` (e.g. `pg_trgm`, `uuid-ossp`, `vector`). */
  readonly name: string;
  /**
   * Version to install or update to.
   *
   * @default - the default version of the extension's control file
   */
  readonly version?: string;
  /**
   * Schema for the extension's objects (relocatable extensions).
   *
   * @default - the extension's own choice, else the first schema of the search path
   */
  readonly schema?: string;
}

/** A schema of a database. */
export interface DatabaseSchema {
  /** Schema name. */
  readonly name: string;
  /**
   * Role that owns the schema.
   *
   * @default - the database owner
   */
  readonly owner?: string;
}
