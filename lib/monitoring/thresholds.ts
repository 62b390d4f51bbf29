import { Duration, Size } from 'cdk8s';
import { ConfigErrors } from '../core/config-error';
import { exactMebibytes, exactMilliseconds, wholeMilliseconds, wholeSeconds } from '../core/duration-size-checks';

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
  // Lags and ages are compared with metrics in seconds: whole seconds, or an error naming the prop.
  const lagWarningSeconds = wholeSeconds(errors, p('replicationLagWarning'), t.replicationLagWarning ?? Duration.seconds(30), { min: 1 }) ?? 30;
  const lagCriticalSeconds = wholeSeconds(errors, p('replicationLagCritical'), t.replicationLagCritical ?? Duration.minutes(5), { min: 1 }) ?? 300;
  if (lagCriticalSeconds <= lagWarningSeconds) {
    errors.add(p('replicationLagCritical'), t.replicationLagCritical ?? Duration.minutes(5),
      `must be above replicationLagWarning (${(t.replicationLagWarning ?? Duration.seconds(30)).toHumanString()}), or the warning never comes first`,
      'raise replicationLagCritical or lower replicationLagWarning');
  }
  const slotInactiveFor = positiveDuration(errors, p('slotInactiveFor'), t.slotInactiveFor, Duration.minutes(10));

  let slotBytes = 10 * GIB;
  const keepMib = ctx.maxSlotWalKeepSize ? exactMebibytes(ctx.maxSlotWalKeepSize) : undefined;
  if (keepMib !== undefined && Number.isFinite(keepMib)) slotBytes = Math.min(slotBytes, Math.floor(keepMib * 1024 * 1024 * 0.8));
  if (t.slotWalRetained !== undefined) {
    slotBytes = exactMebibytes(t.slotWalRetained) * 1024 * 1024;
    if (!(slotBytes > 0) || !Number.isFinite(slotBytes)) errors.add(p('slotWalRetained'), t.slotWalRetained, 'must be a finite size above zero', 'give e.g. Size.gibibytes(10)');
    else if (ctx.maxSlotWalKeepSize && keepMib !== undefined && slotBytes >= keepMib * 1024 * 1024) {
      errors.add(p('slotWalRetained'), t.slotWalRetained,
        `is not below the cluster's maxSlotWalKeepSize (${ctx.maxSlotWalKeepSize.asString()}): PostgreSQL invalidates the slot at that size, so the alert would never fire`,
        `use at most 80 % of ${ctx.maxSlotWalKeepSize.asString()}`);
    }
  }

  const backupPeriodSeconds = Math.round(exactMilliseconds(ctx.backupPeriod) / 1000);
  const drillPeriodSeconds = Math.round(exactMilliseconds(ctx.restoreDrillPeriod) / 1000);
  const backupMaxAgeSeconds = t.backupMaxAge === undefined ? backupPeriodSeconds + 2 * 3600
    : wholeSeconds(errors, p('backupMaxAge'), t.backupMaxAge, { min: 1 });
  if (backupMaxAgeSeconds !== undefined && backupMaxAgeSeconds <= backupPeriodSeconds) {
    errors.add(p('backupMaxAge'), t.backupMaxAge ?? Duration.seconds(backupMaxAgeSeconds), `must be above the backup period (${ctx.backupPeriod.toHumanString()}), or it fires between two good backups`,
      'leave the default (period + 2 hours)');
  }
  const drillMaxAgeSeconds = t.restoreDrillMaxAge === undefined ? drillPeriodSeconds + 3 * 86_400
    : wholeSeconds(errors, p('restoreDrillMaxAge'), t.restoreDrillMaxAge, { min: 1 });
  if (drillMaxAgeSeconds !== undefined && drillMaxAgeSeconds <= drillPeriodSeconds) {
    errors.add(p('restoreDrillMaxAge'), t.restoreDrillMaxAge ?? Duration.seconds(drillMaxAgeSeconds), `must be above the restore drill period (${ctx.restoreDrillPeriod.toHumanString()})`,
      'leave the default (period + 3 days)');
  }

  const cw = t.connectionsWarningPercent ?? 80;
  const cc = t.connectionsCriticalPercent ?? 95;
  percentPair(errors, p('connectionsWarningPercent'), p('connectionsCriticalPercent'), cw, cc);
  const vw = t.volumeWarningPercent ?? 70;
  const vc = t.volumeCriticalPercent ?? 90;
  percentPair(errors, p('volumeWarningPercent'), p('volumeCriticalPercent'), vw, vc);
  const poolerWait = positiveDuration(errors, p('poolerClientsWaitingFor'), t.poolerClientsWaitingFor, Duration.minutes(2));

  return {
    lagWarningSeconds,
    lagCriticalSeconds,
    slotInactiveFor,
    slotWalRetainedBytes: Number.isFinite(slotBytes) ? Math.round(slotBytes) : 10 * GIB,
    backupMaxAgeSeconds: backupMaxAgeSeconds ?? backupPeriodSeconds + 2 * 3600,
    restoreDrillMaxAgeSeconds: drillMaxAgeSeconds ?? drillPeriodSeconds + 3 * 86_400,
    connectionsWarningPercent: cw,
    connectionsCriticalPercent: cc,
    volumeWarningPercent: vw,
    volumeCriticalPercent: vc,
    poolerClientsWaitingFor: poolerWait,
  };
}

/** A Prometheus `for:` duration: whole milliseconds (Prometheus' finest unit), at least a second; the fallback when not. */
function positiveDuration(errors: ConfigErrors, property: string, d: Duration | undefined, fallback: Duration): Duration {
  if (d === undefined) return fallback;
  const ms = wholeMilliseconds(errors, property, d);
  if (ms === undefined) return fallback;
  if (ms < 1000) {
    errors.add(property, d, 'must be at least one second', 'give e.g. Duration.minutes(5)');
    return fallback;
  }
  return d;
}

function percentPair(errors: ConfigErrors, warnProp: string, critProp: string, warn: number, crit: number): void {
  for (const [prop, v] of [[warnProp, warn], [critProp, crit]] as Array<[string, number]>) {
    if (!(Number.isFinite(v) && v > 0 && v < 100)) errors.add(prop, v, 'must be a percentage above 0 and below 100', 'give e.g. 80');
  }
  if (crit <= warn) errors.add(critProp, crit, `must be above ${warnProp.split('.').pop()} (${warn}), or the warning never comes first`, `set it above ${warn}`);
}
