/**
 * The manifests `ha-postgres check` is benchmarked on: N hand-written production clusters in
 * one namespace, one file each, as a platform repository keeps them. Each file holds the
 * Cluster (3 instances, synchronous standby, zone spread, separate WAL volume, Barman Cloud
 * plugin), its ObjectStore, a daily ScheduledBackup, a Pooler and a PodDisruptionBudget
 * (enablePDB false); one shared PrometheusRule alerts on lag and slots for the namespace.
 * Every required item passes, so every check runs to its end.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/** PgBouncer's and the operator's init container's resources: requests equal to limits (Guaranteed). */
const POOLER_RESOURCES = `          resources:
            requests:
              cpu: 500m
              memory: 256Mi
            limits:
              cpu: 500m
              memory: 256Mi`;

function clusterFile(name: string, namespace: string): string {
  return `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    team: payments
spec:
  instances: 3
  imageName: ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie
  primaryUpdateMethod: switchover
  enablePDB: false
  postgresql:
    parameters:
      max_slot_wal_keep_size: "8GB"
      max_connections: "300"
      shared_buffers: "2GB"
    synchronous:
      method: any
      number: 1
      dataDurability: required
      failoverQuorum: true
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector:
        matchLabels:
          cnpg.io/cluster: ${name}
          cnpg.io/podRole: instance
  affinity:
    podAntiAffinityType: required
    topologyKey: kubernetes.io/hostname
  storage:
    size: 100Gi
    storageClass: gp3
  walStorage:
    size: 30Gi
    storageClass: gp3
  resources:
    requests:
      cpu: "2"
      memory: 8Gi
    limits:
      cpu: "2"
      memory: 8Gi
  plugins:
    - name: barman-cloud.cloudnative-pg.io
      isWALArchiver: true
      parameters:
        barmanObjectName: ${name}-store
---
apiVersion: barmancloud.cnpg.io/v1
kind: ObjectStore
metadata:
  name: ${name}-store
  namespace: ${namespace}
spec:
  configuration:
    destinationPath: s3://acme-pg-backups/${name}
    s3Credentials:
      inheritFromIAMRole: true
    wal:
      compression: gzip
  retentionPolicy: 30d
  instanceSidecarConfiguration:
    resources:
      requests:
        cpu: 500m
        memory: 512Mi
      limits:
        cpu: 500m
        memory: 512Mi
---
apiVersion: postgresql.cnpg.io/v1
kind: ScheduledBackup
metadata:
  name: ${name}-daily
  namespace: ${namespace}
spec:
  schedule: "0 0 3 * * *"
  method: plugin
  pluginConfiguration:
    name: barman-cloud.cloudnative-pg.io
  cluster:
    name: ${name}
---
apiVersion: postgresql.cnpg.io/v1
kind: Pooler
metadata:
  name: ${name}-pooler
  namespace: ${namespace}
spec:
  cluster:
    name: ${name}
  instances: 2
  type: rw
  pgbouncer:
    poolMode: transaction
    parameters:
      max_client_conn: "1000"
  template:
    spec:
      containers:
        - name: pgbouncer
${POOLER_RESOURCES}
      initContainers:
        - name: bootstrap-controller
${POOLER_RESOURCES}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}-instances
  namespace: ${namespace}
spec:
  minAvailable: 2
  selector:
    matchLabels:
      cnpg.io/cluster: ${name}
      cnpg.io/podRole: instance
`;
}

const RULES = (namespace: string) => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: postgres
  namespace: ${namespace}
spec:
  groups:
    - name: postgres
      rules:
        - alert: PostgresReplicationLag
          expr: max by (namespace, pod) (cnpg_pg_replication_lag{namespace="${namespace}"}) > 60
          for: 5m
        - alert: PostgresSlotRetention
          expr: max by (namespace, pod) (cnpg_pg_replication_slots_pg_wal_lsn_diff{namespace="${namespace}"}) > 5e9
          for: 5m
`;

/** Writes the manifests of `clusters` clusters into `dir`; returns the number of files. */
export function writeCheckFleet(dir: string, clusters: number, namespace = 'payments'): number {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < clusters; i++) writeFileSync(join(dir, `pg-${String(i).padStart(5, '0')}.yaml`), clusterFile(`pg-${i}`, namespace));
  writeFileSync(join(dir, 'alerts.yaml'), RULES(namespace));
  return clusters + 1;
}
