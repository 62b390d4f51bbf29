/**
 * The RestoreDrill on Crunchy PGO v6, as lib/engines/cnpg/cnpg-restore-drill.ts renders it for
 * CloudNativePG: a CronJob next to the cluster that creates a temporary PostgresCluster in the
 * scratch namespace restored from the archive's pgBackRest repository (`dataSource.pgbackrest`,
 * the same repository, path and credentials; the restore only reads it), waits for its
 * instance to be ready, runs the table checks in its primary and deletes it whatever happened.
 * The temporary cluster has no `backups`: it never writes to any repository.
 *
 * @internal
 */
import type { Construct } from 'constructs';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as pgo from '../../../imports/postgres-operator.crunchydata.com';
import type { IRestoreDrillIntent } from '../../model/cluster-engine';
import { ROLE_ARN_ANNOTATION } from '../../model/archive-credentials';
import { drillScript } from '../../model/drill-script';
import { DRILL_TEMPLATE_DIR, renderDrillJob } from '../drill-job';
import { exactMilliseconds } from '../../core/duration-size-checks';
import { dnsEgress, endpointPort, kubernetesApiEgress, objectStoreEgress, tcp } from '../../model/policy-rules';
import { resourceRequirements } from './crunchy-model';
import type { CrunchyResources, CrunchyS3Repo } from './crunchy-inputs';
import { repoGlobal } from './crunchy-spec';
import {
  LABEL_CLUSTER, LABEL_ROLE, PATRONI_PORT, PGBACKREST_TLS_PORT, POSTGRES_PORT, ROLE_LEADER, STANZA,
} from './crunchy-names';

const TEMPLATE_DIR = DRILL_TEMPLATE_DIR;
/** Label on the temporary clusters: the drill deletes leftovers carrying it (as on CloudNativePG). */
export const CRUNCHY_DRILL_LABEL = 'ha-postgres.io/restore-drill';
/** The temporary cluster's one instance set. */
export const DRILL_INSTANCE_SET = 'pg';
/** The container of PGO's instance pods that runs PostgreSQL (and has psql). */
export const DATABASE_CONTAINER = 'database';
/** Parameters a recovery needs at least as high as on the source (PostgreSQL refuses to replay otherwise). */
const REPLAY_MINIMUMS = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];
/**
 * The temporary cluster is ready when its one instance is: PGO creates the instance only once
 * the restore Job has written the data directory, and the pod is ready when Patroni runs
 * PostgreSQL on it (PostgresCluster has no Ready condition; `status.instances[].readyReplicas`
 * is PGO's count of ready pods of a set).
 */
export const DRILL_READY_FOR = 'jsonpath={.status.instances[0].readyReplicas}=1';

/** What the drill needs from the engine (its rendering of the source's repository and sizes). */
export interface CrunchyDrillInput {
  /** The archive's repository (repo1), as the source cluster's `backups.pgbackrest` renders it. */
  readonly repo?: CrunchyS3Repo;
  /** `spec.image` of the source; undefined: the operator's. */
  readonly postgresImage?: string;
  /** The restore Job's resources (the engine's backup and restore Job size). */
  readonly jobs: CrunchyResources;
  /** replication-cert-copy's resources. */
  readonly helpers: CrunchyResources;
}

/**
 * A name for the temporary clusters within PGO's limits: PGO names the StatefulSet
 * `<cluster>-<set>-<4 characters>` and its revision label adds 11, so cluster + set is at most
 * 46 (crunchy-spec.ts); with `-<10-digit epoch>` appended the prefix is at most 31.
 */
export function crunchyDrillPrefix(drill: IRestoreDrillIntent): string {
  const hash = drill.temporaryClusterPrefix.slice(-8);
  return `${drill.cluster.clusterName.slice(0, 16).replace(/-+$/, '')}-drill-${hash}`;
}

/** The temporary PostgresCluster (named `__DRILL_CLUSTER__`, replaced by the script). */
export function crunchyDrillCluster(drill: IRestoreDrillIntent, input: CrunchyDrillInput, labels: { [key: string]: string }): object {
  const source = drill.cluster;
  const i = source.intent;
  const repo = input.repo;
  const parameters = source.postgresParameters();
  const replay = Object.fromEntries(REPLAY_MINIMUMS.filter((p) => parameters[p] !== undefined).map((p) => [p, parameters[p]]));
  const volume = (v: { size: { asString(): string }; storageClass?: string }) => ({
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: v.size.asString() } },
    ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
  });
  const r = resourceRequirements(i);
  const quantities = (m: { [k: string]: { value: string | number } }) => Object.fromEntries(Object.entries(m).map(([k, q]) => [k, String(q.value)]));
  const copy = (x: CrunchyResources) => ({ requests: { ...x.requests }, limits: { ...x.limits } });
  const configuration = repo?.credentials.secretName
    ? [{ secret: { name: repo.credentials.secretName, items: [{ key: repo.credentials.secretKey ?? 's3.conf', path: repo.credentials.secretKey ?? 's3.conf' }] } }]
    : undefined;
  const spec: pgo.PostgresClusterSpec = {
    postgresVersion: i.version.major,
    ...(input.postgresImage ? { image: input.postgresImage } : {}),
    // IRSA: PGO puts spec.metadata on every object it creates, the ServiceAccounts of the
    // instance and of the restore Job included, before the restore Job's pod exists.
    ...(repo?.credentials.roleArn ? { metadata: { annotations: { [ROLE_ARN_ANNOTATION]: repo.credentials.roleArn } } } : {}),
    instances: [{
      name: DRILL_INSTANCE_SET,
      replicas: 1,
      dataVolumeClaimSpec: volume(i.storage),
      ...(i.walStorage ? { walVolumeClaimSpec: volume(i.walStorage) } : {}),
      resources: { requests: quantities(r.requests), limits: quantities(r.limits) },
      sidecars: { replicaCertCopy: { resources: copy(input.helpers) } },
    }],
    ...(Object.keys(replay).length ? { patroni: { dynamicConfiguration: { postgresql: { parameters: replay } } } } : {}),
    // Only the superuser: PGO creates no application user or database in the copy.
    users: [{ name: 'postgres' }],
    dataSource: {
      pgbackrest: {
        stanza: STANZA,
        repo: { name: 'repo1', s3: repo ? { bucket: repo.bucket, endpoint: repo.endpoint, region: repo.region } : { bucket: 'missing-archive', endpoint: 'missing', region: 'missing' } },
        ...(repo ? { global: repoGlobal(repo) } : {}),
        ...(configuration ? { configuration } : {}),
        resources: copy(input.jobs),
      },
    },
  };
  return {
    apiVersion: pgo.PostgresCluster.GVK.apiVersion,
    kind: pgo.PostgresCluster.GVK.kind,
    metadata: { name: '__DRILL_CLUSTER__', labels },
    spec: pgo.toJson_PostgresClusterSpec(spec),
  };
}

/**
 * In the cluster's namespace: the CronJob, its ServiceAccount and the script with the cluster
 * template (ConfigMap). In the scratch namespace: the only permissions (Role, RoleBinding) and
 * a default-deny NetworkPolicy over the temporary clusters' pods.
 */
export function renderCrunchyRestoreDrill(scope: Construct, drill: IRestoreDrillIntent, input: () => CrunchyDrillInput): void {
  const ns = drill.scratchNamespace;
  const name = drill.cronJobName;
  const source = drill.cluster;
  const labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': source.clusterName, 'app.kubernetes.io/component': 'restore-drill' };
  const scratchName = drill.scratchName;
  const readySeconds = Math.round(exactMilliseconds(drill.readyTimeout) / 1000);

  new k8s.KubeConfigMap(scope, 'Config', {
    metadata: { name, labels },
    data: {
      'drill.sh': Lazy.any({
        produce: () => drillScript({
          namespace: ns,
          namePrefix: crunchyDrillPrefix(drill),
          clusterResource: 'postgresclusters.postgres-operator.crunchydata.com',
          drillLabel: `${CRUNCHY_DRILL_LABEL}=${scratchName}`,
          templatePath: `${TEMPLATE_DIR}/cluster.json`,
          readyTimeoutSeconds: readySeconds,
          readyFor: DRILL_READY_FOR,
          database: source.databaseName,
          checks: drill.checks,
          postgresContainer: DATABASE_CONTAINER,
          primaryPod: { clusterLabel: LABEL_CLUSTER, primaryLabel: `${LABEL_ROLE}=${ROLE_LEADER}` },
        }),
      }) as any,
      'cluster.json': Lazy.any({
        produce: () => JSON.stringify(crunchyDrillCluster(drill, input(), { ...labels, [CRUNCHY_DRILL_LABEL]: scratchName }), undefined, 2),
      }) as any,
    },
  });

  renderScratchNetworkPolicy(drill, scratchName, labels);

  renderDrillJob(scope, drill, {
    name,
    scratchName,
    labels,
    readySeconds,
    rules: [
      { apiGroups: ['postgres-operator.crunchydata.com'], resources: ['postgresclusters'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      // The primary by label (list); kubectl exec reads the pod, then opens the exec stream.
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ],
  });
}

/**
 * The temporary clusters hold a copy of production data: their pods (the restore Job and the
 * instance) accept only each other (PostgreSQL, Patroni's REST API, the pgBackRest TLS server)
 * and reach only DNS, each other, the Kubernetes API (Patroni's DCS) and the archive. PGO
 * reaches them through the API server (exec), and so does the drill.
 */
function renderScratchNetworkPolicy(drill: IRestoreDrillIntent, name: string, labels: { [key: string]: string }): void {
  const settings = drill.cluster.connections.settings;
  if (!settings.enabled) return;
  const pgoPods = { matchExpressions: [{ key: LABEL_CLUSTER, operator: 'Exists' }] };
  const peerPorts = tcp(POSTGRES_PORT, PATRONI_PORT, PGBACKREST_TLS_PORT);
  new k8s.KubeNetworkPolicy(drill, 'NetworkPolicy', {
    metadata: { name, namespace: drill.scratchNamespace, labels },
    spec: {
      podSelector: pgoPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: pgoPods }], ports: peerPorts }],
      egress: [
        dnsEgress(),
        { to: [{ podSelector: pgoPods }], ports: peerPorts },
        kubernetesApiEgress(settings.kubernetesApiCidr),
        objectStoreEgress([endpointPort(drill.archive?.destination.endpoint)]),
      ],
    },
  });
}
