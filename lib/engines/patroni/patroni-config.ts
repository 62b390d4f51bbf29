
import type { IClusterModel } from '../../model/cluster-engine';
import { finalParameters } from '../../model/cluster-parameters';
import { DataDurability } from '../../model/replication';
import { archiveParameters, standbyRecoveryConf } from './patroni-archive';
import { PatroniDcs } from './patroni-dcs';
import { PatroniSynchronousMode } from './patroni-synchronous-mode';
import { PATRONI_LAYOUT as L } from './patroni-layout';
import { ResolvedPatroniTiming } from './patroni-timing';
import { recoveryBootstrapConfig } from './patroni-recovery';
import { PatroniVersion } from './patroni-version';

/** Everything the Patroni configuration is built from, with defaults applied. */
export interface PatroniConfigInput {
  readonly version: PatroniVersion;
  readonly dcs: PatroniDcs;
  readonly timing: ResolvedPatroniTiming;
  readonly synchronousMode: PatroniSynchronousMode;
  readonly failsafeMode: boolean;
  readonly maximumLagOnFailoverBytes: number;
  readonly memberSlotsTtlSeconds?: number;
  readonly postgresBinDir: string;
  readonly instanceLabels: { [key: string]: string };
  /** Secret with the server certificate; undefined when PostgreSQL runs without TLS. */
  readonly tlsSecretName?: string;
}

/**
 * Engine defaults below the library's and the user's parameters. A standby whose
 * primary went away retries every `wal_retrieve_retry_interval` (5 s by default); after
 * a failover or switchover its first attempt usually fails (the new leader creates the
 * slot in its next loop), and with synchronous_mode_strict no commit is acknowledged
 * until a standby streams again, so the default adds up to 5 s to every outage.
 */
export const PATRONI_DEFAULT_PARAMETERS: { [name: string]: string } = {
  wal_retrieve_retry_interval: '500ms',
};

/** etcd's client port, for client URLs without one. */
export const ETCD_DEFAULT_PORT = 2379;

/** Port of an etcd client URL. */
export function etcdPort(url: URL): number {
  return url.port ? Number(url.port) : ETCD_DEFAULT_PORT;
}

/** Host:port pairs of etcd client URLs, and their common scheme. */
export function etcdHosts(endpoints: string[]): { protocol: string; hosts: string[] } {
  const urls = endpoints.map((e) => new URL(e));
  return { protocol: urls[0]?.protocol.replace(':', '') ?? 'http', hosts: urls.map((u) => `${u.hostname}:${etcdPort(u)}`) };
}

/**
 * The Patroni configuration file (`patroni.yml`) of a cluster. Pod-specific values
 * (name, pod IP, passwords) come from environment variables set by the StatefulSet,
 * never from this file.
 */
export function renderPatroniConfig(cluster: IClusterModel, input: PatroniConfigInput): { [key: string]: any } {
  const i = cluster.intent;
  const ha = i.highlyAvailable;
  const { ttl, loopWait, retryTimeout } = input.timing;
  const archive = cluster.walArchive;
  // The archive's parameters are local (below): a ConfigMap change applies them without
  // re-bootstrapping, and local values win over bootstrap.dcs anyway.
  const { parameters, archiveParameters: archiveOwned } = finalParameters(cluster, {
    renderedDefaults: PATRONI_DEFAULT_PARAMETERS,
    tlsMinimum: input.tlsSecretName !== undefined,
    archiveApart: true,
  });

  const dcs: { [key: string]: any } = {
    ttl,
    loop_wait: loopWait,
    retry_timeout: retryTimeout,
    // Only a standby at most this far behind may be promoted automatically.
    maximum_lag_on_failover: input.maximumLagOnFailoverBytes,
    // A crashed primary is failed over at once rather than restarted for up to 300 s:
    // with synchronous replication the promoted standby has every acknowledged commit.
    primary_start_timeout: ha ? 0 : 300,
    failsafe_mode: input.failsafeMode,
  };
  if (ha) {
    dcs.synchronous_mode = input.synchronousMode === PatroniSynchronousMode.QUORUM ? 'quorum' : true;
    dcs.synchronous_node_count = i.synchronousStandbys;
    dcs.synchronous_mode_strict = i.dataDurability === DataDurability.REQUIRED;
    if (input.memberSlotsTtlSeconds !== undefined) dcs.member_slots_ttl = `${input.memberSlotsTtlSeconds}s`;
  }
  dcs.postgresql = {
    use_pg_rewind: true,
    use_slots: ha,
    parameters,
  };

  const initdb: any[] = [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }, 'data-checksums'];
  const basebackup: any[] = [{ checkpoint: 'fast' }];
  if (i.walStorage) {
    initdb.push({ waldir: L.walDir });
    basebackup.push({ waldir: L.walDir });
  }

  const config: { [key: string]: any } = {
    scope: i.name,
    restapi: {
      listen: `0.0.0.0:${L.restApiPort}`,
      // Unsafe methods (switchover, restart, reinitialize) need these credentials;
      // the password is PATRONI_RESTAPI_PASSWORD from the Secret.
      authentication: { username: L.restApiUser },
    },
  };
  if (input.dcs.kind === 'kubernetes') {
    const { [L.scopeLabel]: _scope, ...labels } = input.instanceLabels;
    config.kubernetes = {
      use_endpoints: true,
      bypass_api_service: false,
      labels,
      scope_label: L.scopeLabel,
      role_label: L.roleLabel,
      ports: [{ name: 'postgresql', port: L.postgresPort }],
    };
  } else {
    const { protocol, hosts } = etcdHosts(input.dcs.endpoints);
    config.namespace = '/service/';
    config.etcd3 = { protocol, hosts };
  }
  const hba = hbaRules(cluster);
  config.bootstrap = {
    // A restored cluster: Patroni's custom bootstrap method instead of initdb.
    ...recoveryBootstrapConfig(cluster),
    dcs,
    initdb,
    // Creates the application owner and database; the password comes from the
    // application Secret through APP_PASSWORD.
    post_bootstrap: `sh ${L.postBootstrapScript}`,
    // Patroni 3.0's validator (`patroni --validate-config`) requires bootstrap.pg_hba.
    // Patroni appends it to pg_hba.conf only when postgresql.pg_hba is not set, which it
    // always is here, so the same rules are a no-op; later releases dropped the key.
    ...(input.version.major < 4 ? { pg_hba: hba } : {}),
  };
  config.postgresql = {
    listen: `0.0.0.0:${L.postgresPort}`,
    data_dir: L.dataDir,
    bin_dir: input.postgresBinDir,
    pgpass: L.pgpass,
    authentication: {
      superuser: { username: L.superuser },
      replication: { username: L.replicationUser },
      rewind: { username: L.rewindUser },
    },
    basebackup,
    parameters: {
      unix_socket_directories: L.socketDir,
      ...(input.tlsSecretName ? { ssl: 'on', ssl_cert_file: `${L.tlsDir}/tls.crt`, ssl_key_file: `${L.tlsDir}/tls.key` } : {}),
      ...(archive ? archiveParameters(archive, archiveOwned.archive_timeout) : {}),
    },
    pg_hba: hba,
  };
  if (archive) config.postgresql.recovery_conf = standbyRecoveryConf(archive);
  if (input.dcs.kind === 'etcd3') {
    // Patroni labels pods only with the Kubernetes DCS; with etcd the pod labels itself.
    const cb = `sh ${L.labelPodScript}`;
    config.postgresql.callbacks = { on_start: cb, on_role_change: cb };
  }
  config.tags = { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false };
  return config;
}

/**
 * The library's rules first (`hostnossl all all all reject` unless plain text is
 * allowed, then addHbaRule() rules), then the engine's: SCRAM passwords only, over TLS
 * when TLS is required (standbys, pg_rewind and Patroni connect with sslmode prefer).
 */
function hbaRules(cluster: IClusterModel): string[] {
  const host = cluster.tls.requireTls ? 'hostssl' : 'host';
  return [
    ...cluster.hbaRules(),
    'local all all scram-sha-256',
    `${host} replication ${L.replicationUser} 0.0.0.0/0 scram-sha-256`,
    `${host} replication ${L.replicationUser} ::/0 scram-sha-256`,
    `${host} all all 0.0.0.0/0 scram-sha-256`,
    `${host} all all ::/0 scram-sha-256`,
  ];
}

/**
 * The post_bootstrap script: creates the owner role and the application database (after a
 * restore from an archive: only what is missing, and sets the owner's password).
 */
export function renderPostBootstrapScript(cluster: IClusterModel): string {
  const { database, owner } = cluster.intent.credentials;
  const restored = cluster.bootstrap.isRecovery;
  // A restored cluster's owner and database came with the backup: create only what is
  // missing, and give the owner the application Secret's password.
  const sql = restored
    ? [
      'SELECT format(\'CREATE ROLE %I LOGIN\', :\'owner\') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :\'owner\')',
      '\\gexec',
      'ALTER ROLE :"owner" LOGIN PASSWORD :\'password\';',
      'SELECT format(\'CREATE DATABASE %I OWNER %I\', :\'db\', :\'owner\') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :\'db\')',
      '\\gexec',
    ]
    : [
      'CREATE ROLE :"owner" LOGIN PASSWORD :\'password\';',
      'CREATE DATABASE :"db" OWNER :"owner";',
    ];
  return [
    '#!/bin/sh',
    `# Run once by Patroni after ${restored ? 'the restore from the archive' : 'initdb'}, with a superuser connection string as $1.`,
    '# APP_PASSWORD comes from the application Secret; it is never written to a file.',
    'set -eu',
    `psql -v ON_ERROR_STOP=1 -v owner=${owner} -v db=${database} -v password="$APP_PASSWORD" "$1" <<'SQL'`,
    ...sql,
    'SQL',
    '',
  ].join('\n');
}

/** The callback that labels the pod with its role (etcd DCS only). */
export function renderLabelPodScript(): string {
  return [
    '#!/bin/sh',
    '# Patroni calls it as: label-pod.sh <action> <role> <scope>. The Services select the role label.',
    'set -eu',
    'SA=/var/run/secrets/kubernetes.io/serviceaccount',
    'curl -sS --fail --max-time 5 --cacert "$SA/ca.crt" -H "Authorization: Bearer $(cat "$SA/token")" \\',
    '  -H "Content-Type: application/merge-patch+json" -X PATCH \\',
    '  "https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}/api/v1/namespaces/${POD_NAMESPACE}/pods/${PATRONI_NAME}" \\',
    `  -d "{\\"metadata\\":{\\"labels\\":{\\"${L.roleLabel}\\":\\"$2\\"}}}" >/dev/null`,
    '',
  ].join('\n');
}
