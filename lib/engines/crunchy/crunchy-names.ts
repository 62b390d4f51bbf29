/**
 * Names, labels and ports PGO v6.0.3 gives the objects it creates for a PostgresCluster
 * (internal/naming/{labels,names}.go; internal/patroni/config.go; pgBackRest's default TLS
 * server port). Everything here is what the operator does, not a choice of ours.
 */

export const PGO_GROUP = 'postgres-operator.crunchydata.com';
export const LABEL_CLUSTER = `${PGO_GROUP}/cluster`;
export const LABEL_INSTANCE_SET = `${PGO_GROUP}/instance-set`;
export const LABEL_INSTANCE = `${PGO_GROUP}/instance`;
export const LABEL_ROLE = `${PGO_GROUP}/role`;
export const LABEL_PATRONI = `${PGO_GROUP}/patroni`;
export const LABEL_DATA = `${PGO_GROUP}/data`;
/** Set to "true" on instance pods that run the exporter sidecar (pgMonitor discovery). */
export const LABEL_EXPORTER = `${PGO_GROUP}/crunchy-postgres-exporter`;
/** `role` value of the PgBouncer pods. */
export const ROLE_PGBOUNCER = 'pgbouncer';
/** `role` value Patroni writes on the leader (PGO keeps Patroni 3's `master` for its v4 transition). */
export const ROLE_LEADER = 'master';

/** PostgreSQL (spec.port default). */
export const POSTGRES_PORT = 5432;
/** Patroni REST API (spec.patroni.port default), which members call on each other over TLS. */
export const PATRONI_PORT = 8008;
/** pgBackRest TLS server in each instance pod (pgBackRest's default `tls-server-port`). */
export const PGBACKREST_TLS_PORT = 8432;
/** PgBouncer (spec.proxy.pgBouncer.port default). */
export const PGBOUNCER_PORT = 5432;
/** postgres_exporter sidecar, named port `exporter`. */
export const EXPORTER_PORT = 9187;
export const EXPORTER_PORT_NAME = 'exporter';
/** The pgBackRest stanza PGO always uses (`DefaultStanzaName`). */
export const STANZA = 'db';

/** Labels of every instance pod of a cluster (instances of every set). */
export function crunchyInstanceLabels(clusterName: string): { [key: string]: string } {
  return { [LABEL_CLUSTER]: clusterName, [LABEL_DATA]: 'postgres' };
}

/** Labels that select the pods of one instance set, as PGO's PDB for the set selects them. */
export function crunchyInstanceSetLabels(clusterName: string, setName: string): { [key: string]: string } {
  return { [LABEL_CLUSTER]: clusterName, [LABEL_INSTANCE_SET]: setName };
}

/** Labels of the PgBouncer pods, as PGO's PgBouncer PDB selects them. */
export function crunchyPgBouncerLabels(clusterName: string): { [key: string]: string } {
  return { [LABEL_CLUSTER]: clusterName, [LABEL_ROLE]: ROLE_PGBOUNCER };
}

/** Services and Secrets PGO creates for cluster `name`. */
export function crunchyServiceNames(name: string) {
  return {
    primary: `${name}-primary`,
    replicas: `${name}-replicas`,
    pods: `${name}-pods`,
    pgbouncer: `${name}-pgbouncer`,
    /** `<cluster>-pguser-<user>` holds user, password, host, port, dbname, uri. */
    userSecret: (user: string) => `${name}-pguser-${user}`,
    /** ServiceAccount of the instance pods. */
    instanceServiceAccount: `${name}-instance`,
    /** ServiceAccount of the pgBackRest backup Jobs (and the repo host). */
    pgbackrestServiceAccount: `${name}-pgbackrest`,
  };
}

/** PGO's PodDisruptionBudget of an instance set (naming.InstanceSet). */
export function crunchyInstanceSetPdbName(clusterName: string, setName: string): string {
  return `${clusterName}-set-${setName}`;
}

/** PGO's PodDisruptionBudget of the PgBouncer Deployment (naming.ClusterPGBouncer). */
export function crunchyPgBouncerPdbName(clusterName: string): string {
  return `${clusterName}-pgbouncer`;
}
