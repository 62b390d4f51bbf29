import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, HaPostgres, HaPostgresProps, RestoreDrill, RestoreDrillProps, ScheduledBackup, WalArchive, WalArchiveProps,
} from '../../lib';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders-db-archive';

/** A cluster with an archive (IRSA, AWS S3), optionally customised. */
export function archivedCluster(scope: Construct, archive: Partial<WalArchiveProps> = {}, cluster: HaPostgresProps = {}): { db: HaPostgres; archive: WalArchive } {
  const db = new HaPostgres(scope, 'orders-db', cluster);
  const wal = new WalArchive(scope, 'archive', {
    cluster: db,
    destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' }),
    credentials: ArchiveCredentials.fromIamRole(ROLE_ARN),
    ...archive,
  });
  return { db, archive: wal };
}

/** The full backup set: archive, daily backup and a monthly drill. */
export function backupSet(chart: Chart, drill: Partial<RestoreDrillProps> = {}): void {
  const { db, archive } = archivedCluster(chart);
  new ScheduledBackup(chart, 'backup', { archive });
  new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'restore-drills', ...drill });
}

export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}
