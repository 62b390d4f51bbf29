import { Construct } from 'constructs';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { BackupSchedule } from '../model/backup-schedule';
import type { WalArchive } from './wal-archive';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';

import { boundedName, labelSlug, shortHash } from '../core/names';
import { checkUniqueObjects } from '../core/unique-objects';
import { BackupTarget } from '../model/backup-values';
export { BackupTarget };

/** Regular base backups into a WalArchive. */
export interface ScheduledBackupProps {
  /** The archive the backups go to (and the cluster they are taken of). */
  readonly archive: WalArchive;

  /**
   * When backups run (UTC).
   *
   * @default BackupSchedule.daily() (00:00 UTC)
   */
  readonly schedule?: BackupSchedule;

  /**
   * Name of the engine object (CloudNativePG: the `ScheduledBackup`; Patroni: the CronJob,
   * its ServiceAccount, Role, RoleBinding, ConfigMap and NetworkPolicy, at most 52
   * characters, and the Job `<name>-immediate`).
   *
   * @default - `<cluster name>-backup` for the cluster's first ScheduledBackup, `<cluster name>-backup-<construct id>`
   * for the next ones (a daily and a weekly backup of one archive never share a name)
   */
  readonly name?: string;

  /**
   * Which instance takes the backups. Patroni: chosen by the pods' role label when the job
   * runs (a Ready standby, else the leader).
   *
   * @default BackupTarget.PREFER_STANDBY
   */
  readonly target?: BackupTarget;

  /**
   * Take a first backup as soon as the object is created, so recovery is possible
   * before the first scheduled run. Patroni: a Job `<name>-immediate` that runs once, when
   * it is first applied (it waits up to 30 minutes for a Ready member; re-applying it
   * unchanged does nothing, and Kubernetes refuses changes to its pod template: delete it
   * first), not when suspended.
   *
   * @default true
   */
  readonly immediate?: boolean;

  /**
   * Create the object suspended (no backups until resumed).
   *
   * @default false
   */
  readonly suspend?: boolean;
}

/**
 * Base backups on a schedule (daily by default) into the cluster's WalArchive, taken
 * from a standby when one exists, with an immediate first backup. Rendered by the
 * cluster's engine (CloudNativePG: a `ScheduledBackup` with `method: plugin`; Patroni: a
 * CronJob that runs barman-cloud-backup in a member through `kubectl exec`, then
 * barman-cloud-backup-delete with the archive's retention window).
 */
export class ScheduledBackup extends Construct {
  public readonly archive: WalArchive;
  public readonly name: string;
  public readonly schedule: BackupSchedule;
  public readonly target: BackupTarget;
  public readonly immediate: boolean;
  public readonly suspend: boolean;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: ScheduledBackupProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    props.archive.cluster.attachments.addScheduledBackup(this); // found by the cluster's monitoring and engine
    this.archive = props.archive;
    this.name = props.name ?? defaultBackupName(this, props.archive.cluster.clusterName);
    this.schedule = props.schedule ?? BackupSchedule.daily();
    this.target = props.target ?? BackupTarget.PREFER_STANDBY;
    this.immediate = props.immediate ?? true;
    this.suspend = props.suspend ?? false;
    addSynthValidation(this, () => this.errors.messages);
    checkUniqueObjects(this, { property: props.name !== undefined ? 'name' : 'name (from the cluster name)', value: this.name });

    checkDnsLabel(this.errors, props.name !== undefined ? 'name' : 'name (from the cluster name)', this.name, 63);
    this.schedule._check(this.errors, 'schedule');

    const engine = this.archive.cluster.engine;
    if (engine.capabilities.scheduledBackups) {
      engine.bindScheduledBackup(this, this);
    } else {
      this.errors.add('archive.cluster', this.archive.cluster.clusterName, `the engine ${engine.name} cannot render a ScheduledBackup yet`,
        'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...), which render it, or remove the ScheduledBackup until the engine supports it');
    }
  }
}

/** Room the Patroni engine leaves in its CronJob names (Kubernetes appends 11 characters per Job). */
const MAX_DEFAULT_NAME = 52;

/**
 * `<cluster>-backup` for a cluster's first ScheduledBackup; `<cluster>-backup-<construct id>`
 * for later ones (bounded, with a hash of the construct path when the id gives nothing
 * usable or a name an earlier backup already has), so backups of one archive never share
 * a name and the engine's objects of one never replace another's.
 */
function defaultBackupName(backup: ScheduledBackup, clusterName: string): string {
  const base = `${clusterName}-backup`;
  const earlier = backup.archive.cluster.attachments.scheduledBackups.filter((b) => b !== backup);
  if (earlier.length === 0) return boundedName(base, MAX_DEFAULT_NAME);
  const slug = labelSlug(backup.node.id);
  let name = boundedName(slug ? `${base}-${slug}` : `${base}-${shortHash(backup.node.path)}`, MAX_DEFAULT_NAME);
  if (earlier.some((b) => b.name === name)) name = boundedName(`${base}-${shortHash(backup.node.path)}`, MAX_DEFAULT_NAME);
  return name;
}
