/** Paths, users and ports inside a Patroni pod, shared by the config and the workload. */
export const PATRONI_LAYOUT = {
  configDir: '/etc/patroni',
  configFile: '/etc/patroni/patroni.yml',
  postBootstrapScript: '/etc/patroni/post-bootstrap.sh',
  labelPodScript: '/etc/patroni/label-pod.sh',
  /** The custom bootstrap of a cluster restored from an archive. */
  restoreScript: '/etc/patroni/restore-from-archive.sh',
  /** Name of the Patroni + PostgreSQL container (the backup job execs into it). */
  container: 'patroni',
  dataMount: '/var/lib/postgresql/data',
  /** A subdirectory: the volume's root may hold lost+found, which initdb refuses. */
  dataDir: '/var/lib/postgresql/data/pgdata',
  walMount: '/var/lib/postgresql/wal',
  /** A subdirectory that Patroni removes and pg_basebackup recreates on re-clone. */
  walDir: '/var/lib/postgresql/wal/pg_wal',
  socketDir: '/var/run/postgresql',
  /** Mount of the TLS Secret (`tls.crt`, `tls.key`). */
  tlsDir: '/etc/patroni/tls',
  tmpDir: '/tmp',
  pgpass: '/tmp/pgpass',
  postgresPort: 5432,
  restApiPort: 8008,
  superuser: 'postgres',
  replicationUser: 'replicator',
  rewindUser: 'rewinder',
  restApiUser: 'patroni',
  /** Keys of the engine's credentials Secret. */
  secretKeys: {
    superuser: 'superuser-password',
    replication: 'replication-password',
    rewind: 'rewind-password',
    restApi: 'restapi-password',
  },
  /** Label Patroni sets to the member's role. */
  roleLabel: 'role',
  followerLabelValue: 'replica',
  /** Label whose value is the scope (the cluster name). */
  scopeLabel: 'app.kubernetes.io/instance',
};
