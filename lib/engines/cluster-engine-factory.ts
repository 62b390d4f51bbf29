import { CloudNativePgEngine, CloudNativePgEngineProps } from './cnpg/cnpg-engine';
import type { IClusterEngine } from './cluster-engine';

/** Factories of the engines that render an HaPostgres. */
export class ClusterEngine {
  /** The CloudNativePG operator (v1.30) with the Barman Cloud plugin for backups. The default. */
  public static cloudNativePg(props: CloudNativePgEngineProps = {}): IClusterEngine {
    return new CloudNativePgEngine(props);
  }

  private constructor() {}
}
