/** A PostgreSQL cluster that applications and other constructs can connect to. */
export interface IHaPostgres {
  /** Cluster name. */
  readonly clusterName: string;
  /** Service that always points at the primary. */
  readonly readWriteServiceName: string;
  /** Service over the hot standbys (read-only queries). */
  readonly readOnlyServiceName: string;
  /** Service over every instance. */
  readonly anyInstanceServiceName: string;
  /** PostgreSQL port of the Services. */
  readonly port: number;
  /** Secret holding the application owner's `username` and `password`. */
  readonly appSecretName: string;
  /** Application database. */
  readonly databaseName: string;
}
