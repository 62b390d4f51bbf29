import { CloudNativePgEngine, CloudNativePgEngineProps } from './cnpg/cnpg-engine';
import type { IClusterEngine } from '../model/cluster-engine';
import { PatroniEngine, PatroniEngineProps } from './patroni/patroni-engine';

/** Factories of the engines that render an HaPostgres. */
export class ClusterEngine {
  /** The CloudNativePG operator (v1.30) with the Barman Cloud plugin for backups. The default. */
  public static cloudNativePg(props: CloudNativePgEngineProps = {}): IClusterEngine {
    return new CloudNativePgEngine(props);
  }

  /** Patroni without an operator: a StatefulSet with Patroni, its RBAC, Services and budget. */
  public static patroni(props: PatroniEngineProps): IClusterEngine {
    return new PatroniEngine(props);
  }

  private constructor() {}
}
