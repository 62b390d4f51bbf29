// Monitoring, alerts, the production-readiness checklist and the topology diagram (issue 5).
export * from './cluster-monitoring';
export type { MonitoringThresholds } from './thresholds';
export { AlertSeverity } from './alerts/alert-rules';
export type { AlertRule } from './alerts/alert-rules';
export * from './topology/topology-diagram';
export * from './readiness/readiness-checklist';
export type { ReadinessItem, ReadinessOptions, ReadinessReport } from './readiness/checklist';
