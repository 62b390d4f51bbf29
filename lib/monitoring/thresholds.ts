import { Duration, Size } from 'cdk8s';
import { ConfigErrors } from '../core/config-error';

/** Alert thresholds of a ClusterMonitoring. Every field is optional. */
export interface MonitoringThresholds {
  /**
   * Replication lag (time since the standby last replayed a transaction while behind) that warns.
   *
   * @default Duration.seconds(30)
   */
  readonly replicationLagWarning?: Duration;
  /**
   * Replication lag that pages.
   *
   * @default Duration.minutes(5)
   */
  readonly replicationLagCritical?: Duration;
  /**
   * How long a replication slot on the primary may stay inactive before the alert.
   *
   * @default Duration.minutes(10)
   */
  readonly slotInactiveFor?: Duration;
  /**
   * WAL retained by one replication slot that warns.
   *
   * @default - 10Gi, lowered to 80 % of the cluster's `maxSlotWalKeepSize` when that is smaller, so the alert fires before the slot is invalidated
   */
  readonly slotWalRetained?: Size;
  /**
   * Age of the newest base backup that alerts.
   *
   * @default - the backup period plus 2 hours (26 hours for a daily backup)
   */
  readonly backupMaxAge?: Duration;
  /**
   * Time since the last successful restore drill that alerts.
   *
   * @default - the drill period plus 3 days (34 days for a monthly drill)
   */
  readonly restoreDrillMaxAge?: Duration;
  /**
   * Connections, in percent of `max_connections`, that warn.
   *
   * @default 80
   */
  readonly connectionsWarningPercent?: number;
  /**
   * Connections, in percent of `max_connections`, that page.
   *
   * @default 95
   */
  readonly connectionsCriticalPercent?: number;
  /**
   * Used space of a data or WAL volume, in percent, that warns.
   *
   * @default 70
   */
  readonly volumeWarningPercent?: number;
  /**
   * Used space of a data or WAL volume, in percent, that pages.
   *
   * @default 90
   */
  readonly volumeCriticalPercent?: number;
  /**
   * How long pooler clients may wait for a server connection before the alert.
   *
   * @default Duration.minutes(2)
   */
  readonly poolerClientsWaitingFor?: Duration;
}

/** Thresholds with every default applied, in the units the expressions use. */
export interface ResolvedThresholds {
  readonly lagWarningSeconds: number;
  readonly lagCriticalSeconds: number;
  readonly slotInactiveFor: Duration;
  readonly slotWalRetainedBytes: number;
  readonly backupMaxAgeSeconds: number;
  readonly restoreDrillMaxAgeSeconds: number;
  readonly connectionsWarningPercent: number;
  readonly connectionsCriticalPercent: number;
  readonly volumeWarningPercent: number;
  readonly volumeCriticalPercent: number;
  readonly poolerClientsWaitingFor: Duration;
}

const GIB = 1024 ** 3;

/** Context the defaults depend on. */
export interface ThresholdContext {
  /** The cluster's `max_slot_wal_keep_size`, when slots are bounded. */
  readonly maxSlotWalKeepSize?: Size;
  readonly backupPeriod: Duration;
  readonly restoreDrillPeriod: Duration;
}

/** Applies defaults and checks `t`, collecting errors under `property`. */
export function resolveThresholds(errors: ConfigErrors, property: string, t: MonitoringThresholds, ctx: ThresholdContext): ResolvedThresholds {
  const p = (name: string) => `${property}.${name}`;
  const lagWarning = t.replicationLagWarning ?? Duration.seconds(30);
  const lagCritical = t.replicationLagCritical ?? Duration.minutes(5);
  positiveDuration(errors, p('replicationLagWarning'), lagWarning);
  positiveDuration(errors, p('replicationLagCritical'), lagCritical);
  if (lagCritical.toSeconds() <= lagWarning.toSeconds()) {
    errors.add(p('replicationLagCritical'), lagCritical, `must be above replicationLagWarning (${lagWarning.toHumanString()}), or the warning never comes first`,
      'raise replicationLagCritical or lower replicationLagWarning');
  }
  const slotInactiveFor = t.slotInactiveFor ?? Duration.minutes(10);
  positiveDuration(errors, p('slotInactiveFor'), slotInactiveFor);

  let slotBytes = 10 * GIB;
  if (ctx.maxSlotWalKeepSize) slotBytes = Math.min(slotBytes, Math.floor(ctx.maxSlotWalKeepSize.toMebibytes() * 1024 * 1024 * 0.8));
  if (t.slotWalRetained !== undefined) {
    slotBytes = t.slotWalRetained.toMebibytes() * 1024 * 1024;
    if (!(slotBytes > 0)) errors.add(p('slotWalRetained'), t.slotWalRetained, 'must be above zero', 'give e.g. Size.gibibytes(10)');
    else if (ctx.maxSlotWalKeepSize && slotBytes >= ctx.maxSlotWalKeepSize.toMebibytes() * 1024 * 1024) {
      errors.add(p('slotWalRetained'), t.slotWalRetained,
        `is not below the cluster's maxSlotWalKeepSize (${ctx.maxSlotWalKeepSize.asString()}): PostgreSQL invalidates the slot at that size, so the alert would never fire`,
        `use at most 80 % of ${ctx.maxSlotWalKeepSize.asString()}`);
    }
  }

  const backupMaxAge = t.backupMaxAge ?? Duration.seconds(ctx.backupPeriod.toSeconds() + 2 * 3600);
  if (backupMaxAge.toSeconds() <= ctx.backupPeriod.toSeconds()) {
    errors.add(p('backupMaxAge'), backupMaxAge, `must be above the backup period (${ctx.backupPeriod.toHumanString()}), or it fires between two good backups`,
      'leave the default (period + 2 hours)');
  }
  const drillMaxAge = t.restoreDrillMaxAge ?? Duration.seconds(ctx.restoreDrillPeriod.toSeconds() + 3 * 86_400);
  if (drillMaxAge.toSeconds() <= ctx.restoreDrillPeriod.toSeconds()) {
    errors.add(p('restoreDrillMaxAge'), drillMaxAge, `must be above the restore drill period (${ctx.restoreDrillPeriod.toHumanString()})`,
      'leave the default (period + 3 days)');
  }

  const cw = t.connectionsWarningPercent ?? 80;
  const cc = t.connectionsCriticalPercent ?? 95;
  percentPair(errors, p('connectionsWarningPercent'), p('connectionsCriticalPercent'), cw, cc);
  const vw = t.volumeWarningPercent ?? 70;
  const vc = t.volumeCriticalPercent ?? 90;
  percentPair(errors, p('volumeWarningPercent'), p('volumeCriticalPercent'), vw, vc);
  const poolerWait = t.poolerClientsWaitingFor ?? Duration.minutes(2);
  positiveDuration(errors, p('poolerClientsWaitingFor'), poolerWait);

  return {
    lagWarningSeconds: lagWarning.toSeconds(),
    lagCriticalSeconds: lagCritical.toSeconds(),
    slotInactiveFor,
    slotWalRetainedBytes: Math.round(slotBytes),
    backupMaxAgeSeconds: backupMaxAge.toSeconds(),
    restoreDrillMaxAgeSeconds: drillMaxAge.toSeconds(),
    connectionsWarningPercent: cw,
    connectionsCriticalPercent: cc,
    volumeWarningPercent: vw,
    volumeCriticalPercent: vc,
    poolerClientsWaitingFor: poolerWait,
  };
}

function positiveDuration(errors: ConfigErrors, property: string, d: Duration): void {
  if (!(d.toMilliseconds() >= 1000)) errors.add(property, d, 'must be at least one second', 'give e.g. Duration.minutes(5)');
}

function percentPair(errors: ConfigErrors, warnProp: string, critProp: string, warn: number, crit: number): void {
  for (const [prop, v] of [[warnProp, warn], [critProp, crit]] as Array<[string, number]>) {
    if (!(Number.isFinite(v) && v > 0 && v < 100)) errors.add(prop, v, 'must be a percentage above 0 and below 100', 'give e.g. 80');
  }
  if (crit <= warn) errors.add(critProp, crit, `must be above ${warnProp.split('.').pop()} (${warn}), or the warning never comes first`, `set it above ${warn}`);
}
