import { CloudNativePgEngine, CloudNativePgEngineProps } from './cnpg/cnpg-engine';
import type { IClusterEngine } from '../model/cluster-engine';
import { PatroniEngine, PatroniEngineProps } from './patroni/patroni-engine';
import { CrunchyPgoEngine, CrunchyPgoEngineProps } from './crunchy/crunchy-engine';

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

  /**
   * The Crunchy Data PGO v6 operator: a `PostgresCluster` (Patroni, pgBackRest to S3,
   * PgBouncer proxy, pgMonitor exporter). Images come from the operator unless given;
   * Crunchy's prebuilt images are under the Crunchy Data Developer Program terms.
   */
  public static crunchy(props: CrunchyPgoEngineProps = {}): IClusterEngine {
    return new CrunchyPgoEngine(props);
  }

  private constructor() {}
}
