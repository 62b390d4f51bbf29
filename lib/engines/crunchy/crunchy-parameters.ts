/**
 * PostgreSQL parameters PGO v6.0.3 sets itself, or that the PostgresCluster CRD refuses,
 * each with the reason shown to users (`HaPostgresProps.parameters` naming one of them is
 * a synth error). Sources: internal/postgres/parameters.go (mandatory: unix sockets,
 * wal_level logical, ssl and its files), internal/pgbackrest/postgres.go (archive_mode,
 * archive_command, restore_command), internal/patroni/config.go (Patroni owns
 * replication: primary_conninfo, synchronous_standby_names, hot_standby), and the CEL
 * rules on `spec.config.parameters` in the CRD.
 */
const OPERATOR = 'PGO sets it itself';
const reasons: Array<[string[], string]> = [
  [['unix_socket_directories', 'unix_socket_group', 'unix_socket_permissions'], `${OPERATOR} (domain socket paths cannot be changed)`],
  [['wal_level'], `${OPERATOR}: always logical (internal/postgres/parameters.go)`],
  [['wal_log_hints'], `${OPERATOR}: always on, for pg_rewind`],
  [['ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file', 'ssl_crl_file', 'ssl_crl_dir'], `${OPERATOR}: TLS is always on with its certificates under /pgconf/tls`],
  [['archive_mode', 'archive_command', 'restore_command'], `${OPERATOR}: pgBackRest archive-push / archive-get (internal/pgbackrest/postgres.go); configure archiving with a WalArchive`],
  [['synchronous_standby_names'], 'Patroni sets it from synchronousStandbys / dataDurability (patroni.dynamicConfiguration)'],
  [['primary_conninfo', 'primary_slot_name', 'hot_standby'], 'Patroni manages replication'],
  [['recovery_target', 'recovery_target_action', 'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name',
    'recovery_target_time', 'recovery_target_timeline', 'recovery_target_xid'], 'recovery targets come from ClusterBootstrap (dataSource.pgbackrest options)'],
  [['recovery_min_apply_delay'], 'PGO does not support delayed replication'],
  [['listen_addresses', 'port'], `${OPERATOR} (spec.port)`],
  [['cluster_name'], `${OPERATOR}: derived from the PostgresCluster name`],
  [['config_file', 'data_directory', 'hba_file', 'ident_file', 'external_pid_file'], `${OPERATOR}: the data directory layout is fixed`],
  [['logging_collector', 'log_file_mode'], `${OPERATOR}: the CRD refuses changing it`],
];

/** name -> reason, for `IClusterEngine.managedParameters()`. */
export const CRUNCHY_MANAGED_PARAMETERS: { [name: string]: string } = Object.fromEntries(
  reasons.flatMap(([names, reason]) => names.map((n) => [n, reason] as const)).sort(([a], [b]) => a.localeCompare(b)));

/** Values PGO gives parameters it does not leave at PostgreSQL's default (for checks that read effective values). */
export const CRUNCHY_PARAMETER_DEFAULTS: { [name: string]: string } = {
  wal_level: 'logical',
  wal_log_hints: 'on',
  jit: 'off',
  password_encryption: 'scram-sha-256',
  archive_timeout: '60s',
};
