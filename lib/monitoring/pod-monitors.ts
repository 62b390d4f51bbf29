import * as prom from '../../imports/monitoring.coreos.com';

/**
 * PodMonitor spec for the instances of a CloudNativePG cluster (port `metrics`, 9187).
 * The relabeling copies the pod label `cnpg.io/cluster` into a `cluster` label, so
 * alert expressions can select one cluster without guessing from pod names.
 */
export function instancePodMonitorSpec(cluster: string, tls: boolean): prom.PodMonitorSpec {
  return {
    selector: { matchLabels: { 'cnpg.io/cluster': cluster, 'cnpg.io/podRole': 'instance' } },
    podMetricsEndpoints: [{
      port: 'metrics',
      ...(tls ? {
        scheme: prom.PodMonitorSpecPodMetricsEndpointsScheme.HTTPS,
        tlsConfig: { ca: { secret: { name: `${cluster}-ca`, key: 'ca.crt' } }, serverName: `${cluster}-rw` },
      } : {}),
      relabelings: [{
        action: prom.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
        sourceLabels: ['__meta_kubernetes_pod_label_cnpg_io_cluster'],
        targetLabel: 'cluster',
      }],
    }],
  };
}

/**
 * PodMonitor spec for the PgBouncer pods of a cluster's Poolers (port `metrics`, 9127).
 * Pooler pods carry the pooler's name, not the cluster's, so `cluster` is set to a constant.
 */
export function poolerPodMonitorSpec(poolers: string[], cluster: string): prom.PodMonitorSpec {
  return {
    selector: {
      matchLabels: { 'cnpg.io/podRole': 'pooler' },
      matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: poolers }],
    },
    podMetricsEndpoints: [{
      port: 'metrics',
      relabelings: [{
        action: prom.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
        targetLabel: 'cluster',
        replacement: cluster,
      }],
    }],
  };
}
