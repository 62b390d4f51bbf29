import { Chart, Size, Testing } from 'cdk8s';
import { AppCredentials, ClusterEngine, DataDurability, HaPostgres, PatroniTimingProps, PatroniVersion, PostgresVersion } from '../../lib';

/** Deviations from the defaults, for measuring trade-offs with `npm run drill`. */
export interface DrillVariant {
  readonly timing?: PatroniTimingProps;
  readonly dataDurability?: DataDurability;
}

/**
 * The cluster the drill runs: the Patroni engine with its default timing and
 * synchronous settings, Patroni 3.0 and PostgreSQL 15 (what Debian ships here),
 * 1Gi of memory so three members fit on a CI machine. A variant changes only
 * what it names (the CI drill uses none).
 */
export function drillManifests(variant: DrillVariant = {}): any[] {
  const chart = new Chart(Testing.app(), 'drill', { namespace: 'db', disableResourceNameHashes: true });
  new HaPostgres(chart, 'orders', {
    engine: ClusterEngine.patroni({
      version: PatroniVersion.V3_0,
      image: 'registry.example.com/patroni:3.0.2-pg15',
      credentialsSecretName: 'orders-patroni',
      tlsSecretName: 'orders-tls',
      timing: variant.timing,
    }),
    dataDurability: variant.dataDurability,
    version: PostgresVersion.of(15, 18),
    credentials: AppCredentials.fromSecret('orders-app'),
    resources: { memoryRequest: Size.gibibytes(1) },
    storage: { size: Size.gibibytes(10) },
    walStorage: { size: Size.gibibytes(4) },
  });
  return Testing.synth(chart);
}
