/**
 * PostgreSQL parameters Patroni sets itself (or that this engine fixes), each with the
 * reason shown when a user passes one in `parameters`.
 */
const REPLICATION = 'Patroni points each standby at the current leader';
const RECOVERY = 'Patroni writes the recovery settings when it starts a standby or rewinds a former leader';
const FILES = 'Patroni fixes the file layout (data directory, configuration files) under its data_dir';
const TLS = 'the Patroni engine serves TLS from its tlsSecretName Secret (use tlsSecretName and the cluster\'s tls property)';
const SOCKETS = 'the Patroni engine puts the Unix socket in an emptyDir at /var/run/postgresql (the image\'s root file system is read-only)';

export const PATRONI_MANAGED_PARAMETERS: { [name: string]: string } = {
  listen_addresses: 'Patroni sets it from postgresql.listen (all pod addresses, port 5432)',
  port: 'Patroni sets it from postgresql.listen; the Services use port 5432',
  hot_standby: 'Patroni always enables hot standby reads',
  cluster_name: 'Patroni sets it to the cluster name (its scope)',
  synchronous_standby_names: 'Patroni writes it from its synchronous mode (use synchronousStandbys and dataDurability)',
  primary_conninfo: REPLICATION,
  primary_slot_name: 'Patroni creates and assigns the replication slots (use_slots)',
  promote_trigger_file: 'promotion is done by Patroni',
  restore_command: RECOVERY,
  recovery_target: RECOVERY,
  recovery_target_action: RECOVERY,
  recovery_target_inclusive: RECOVERY,
  recovery_target_lsn: RECOVERY,
  recovery_target_name: RECOVERY,
  recovery_target_time: RECOVERY,
  recovery_target_timeline: RECOVERY,
  recovery_target_xid: RECOVERY,
  recovery_end_command: RECOVERY,
  recovery_min_apply_delay: 'a delayed standby would block synchronous commits and failover; Patroni manages standbys',
  data_directory: FILES,
  config_file: FILES,
  hba_file: 'Patroni writes pg_hba.conf from its postgresql.pg_hba section, which this engine renders',
  ident_file: FILES,
  external_pid_file: FILES,
  unix_socket_directories: SOCKETS,
  ssl: TLS,
  ssl_cert_file: TLS,
  ssl_key_file: TLS,
  ssl_ca_file: TLS,
  wal_log_hints: 'the engine initializes with data checksums, which pg_rewind needs; Patroni manages wal_log_hints',
};
