/**
 * Turns the Patroni configuration exactly as the Patroni engine emits it (the
 * `patroni.yml` of its ConfigMap) into the configuration of a member running on
 * loopback: addresses become 127.0.0.1 with distinct ports, the Kubernetes DCS is
 * swapped for a local etcd (no API server runs here), directories become temp dirs,
 * and credentials become test values written into this file only. Everything else
 * (bootstrap.dcs timing and synchronous settings, parameters, slots, rewind, pg_hba,
 * initdb options, tags) is kept as emitted.
 */
import { parse } from 'yaml';

/** What the engine emitted, taken out of the synthesized manifests. */
export interface EmittedPatroni {
  readonly config: any;
  readonly postBootstrapScript: string;
  /** Names of the environment variables of the Patroni container. */
  readonly envNames: string[];
  readonly clusterName: string;
  readonly replicas: number;
}

/** Finds the Patroni ConfigMap and StatefulSet of the (only) Patroni cluster in `manifests`. */
export function emittedPatroni(manifests: any[]): EmittedPatroni {
  const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.data?.['patroni.yml'] !== undefined);
  const sts = manifests.find((m) => m.kind === 'StatefulSet');
  if (!cm || !sts) throw new Error('no Patroni ConfigMap/StatefulSet in the manifests');
  return {
    config: parse(cm.data['patroni.yml']),
    postBootstrapScript: cm.data['post-bootstrap.sh'],
    envNames: sts.spec.template.spec.containers[0].env.map((e: any) => e.name),
    clusterName: sts.metadata.name,
    replicas: sts.spec.replicas,
  };
}

/** Test-only credentials (never in manifests). */
export const TEST_PASSWORDS = {
  superuser: 'drill-superuser-pw',
  replication: 'drill-replication-pw',
  rewind: 'drill-rewind-pw',
  restApi: 'drill-restapi-pw',
  app: 'drill-app-pw',
};

/** Where one loopback member lives. */
export interface MemberPlacement {
  readonly name: string;
  readonly pgPort: number;
  readonly restPort: number;
  /** Member directory: data/, wal/, run/ and logs go under it. */
  readonly dir: string;
  readonly etcdPort: number;
  readonly binDir: string;
  readonly postBootstrapScriptPath: string;
  /** Test certificate and key (PEM) replacing the TLS Secret's mount, when TLS is on. */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
}

/** The member's Patroni configuration (a deep copy of the emitted one, rewritten). */
export function localMemberConfig(emitted: any, m: MemberPlacement): any {
  const c = JSON.parse(JSON.stringify(emitted));
  const wal = `${m.dir}/wal/pg_wal`;
  const replaceWaldir = (list: any[]) => list.map((o) => (o && typeof o === 'object' && 'waldir' in o ? { waldir: wal } : o));

  c.name = m.name;
  c.restapi.listen = `127.0.0.1:${m.restPort}`;
  c.restapi.connect_address = `127.0.0.1:${m.restPort}`;
  c.restapi.authentication.password = TEST_PASSWORDS.restApi;
  if (c.kubernetes) {
    delete c.kubernetes;
    c.namespace = '/service/';
  }
  delete c.etcd3;
  c.etcd3 = { hosts: [`127.0.0.1:${m.etcdPort}`] };
  c.bootstrap.initdb = replaceWaldir(c.bootstrap.initdb);
  c.bootstrap.post_bootstrap = `sh ${m.postBootstrapScriptPath}`;
  c.postgresql.listen = `127.0.0.1:${m.pgPort}`;
  c.postgresql.connect_address = `127.0.0.1:${m.pgPort}`;
  c.postgresql.data_dir = `${m.dir}/data/pgdata`;
  c.postgresql.bin_dir = m.binDir;
  c.postgresql.pgpass = `${m.dir}/pgpass`;
  c.postgresql.basebackup = replaceWaldir(c.postgresql.basebackup ?? []);
  c.postgresql.parameters = { ...c.postgresql.parameters, unix_socket_directories: `${m.dir}/run` };
  if (c.postgresql.parameters.ssl_cert_file) {
    if (!m.tlsCertFile || !m.tlsKeyFile) throw new Error('the emitted configuration serves TLS: give tlsCertFile and tlsKeyFile');
    c.postgresql.parameters.ssl_cert_file = m.tlsCertFile;
    c.postgresql.parameters.ssl_key_file = m.tlsKeyFile;
  }
  c.postgresql.authentication.superuser.password = TEST_PASSWORDS.superuser;
  c.postgresql.authentication.replication.password = TEST_PASSWORDS.replication;
  c.postgresql.authentication.rewind.password = TEST_PASSWORDS.rewind;
  // The etcd DCS's label-pod callback talks to the Kubernetes API, which does not run here.
  delete c.postgresql.callbacks;
  return c;
}
