import type { IArchiveIntent } from './cluster-engine';
import { Construct } from 'constructs';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { checkCredentials, checkDestination } from './archive-checks';
import type { ArchiveCredentials } from './archive-credentials';
import type { ArchiveDestination } from './archive-destination';
import { parseCnpgTargetTime } from './target-time';

/** An archive written by another cluster, described without a WalArchive construct. */
export interface ArchiveSourceProps {
  /** Where the source cluster archives. */
  readonly destination: ArchiveDestination;
  /** Read access to it, in the namespace of the cluster that reads it. */
  readonly credentials: ArchiveCredentials;
  /** The source cluster's folder under the destination (its serverName, by default its name). */
  readonly serverName: string;
}

/** The archive a cluster is recovered from (read only). */
export class ArchiveSource {
  /** The archive of a WalArchive defined in this app. */
  public static fromWalArchive(archive: IArchiveIntent): ArchiveSource {
    return new ArchiveSource(archive.destination, archive.credentials, archive.serverName);
  }

  /** An archive written elsewhere (another app, account or Kubernetes cluster). */
  public static fromProps(props: ArchiveSourceProps): ArchiveSource {
    return new ArchiveSource(props.destination, props.credentials, props.serverName);
  }

  private constructor(
    public readonly destination: ArchiveDestination,
    public readonly credentials: ArchiveCredentials,
    public readonly serverName: string,
  ) {}
}

/** Kind of recovery target. */
export enum RecoveryTargetKind {
  /** Replay all archived WAL: the latest state. */
  LATEST = 'latest',
  /** Stop at a timestamp. */
  TIME = 'time',
  /** Stop at a WAL location. */
  LSN = 'lsn',
}

/** How far WAL is replayed when recovering from an archive. */
export class RecoveryTarget {
  /** The latest state the archive holds. */
  public static latest(): RecoveryTarget {
    return new RecoveryTarget(RecoveryTargetKind.LATEST, undefined);
  }

  /**
   * A point in time with an explicit offset, in a form CloudNativePG's parser accepts:
   * PostgreSQL's `2026-11-30 05:00:00+01` (also `.123456`, `+01:00`) or RFC 3339
   * `2026-11-30T04:00:00Z` / `2026-11-30T05:00:00+01:00`.
   */
  public static time(timestamp: string): RecoveryTarget {
    return new RecoveryTarget(RecoveryTargetKind.TIME, timestamp);
  }

  /** A WAL location (LSN), e.g. `0/3000060`. */
  public static lsn(lsn: string): RecoveryTarget {
    return new RecoveryTarget(RecoveryTargetKind.LSN, lsn);
  }

  private constructor(public readonly kind: RecoveryTargetKind, public readonly value: string | undefined) {}

  /**
   * Adds an error when the target is malformed.
   *
   * @internal
   */
  public _check(errors: ConfigErrors, property: string): void {
    if (this.kind === RecoveryTargetKind.TIME) {
      const v = this.value ?? '';
      const shown = `time(${JSON.stringify(v)})`;
      const parsed = parseCnpgTargetTime(v);
      if (!parsed) {
        const rewrite = timeRewrite(v);
        errors.add(property, shown,
          'is not a timestamp CloudNativePG accepts (PostgreSQL\'s "YYYY-MM-DD HH:MM:SS+HH[:MM]", or RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" / "…T…+HH:MM" with a colon in the offset)',
          rewrite ? `write RecoveryTarget.time(${JSON.stringify(rewrite)})` : 'use e.g. RecoveryTarget.time("2026-11-30 05:00:00+01") or RecoveryTarget.time("2026-11-30T04:00:00Z")');
      } else if (!parsed.hasOffset) {
        errors.add(property, shown, 'has no time zone offset; without one PostgreSQL would read it in the server\'s zone',
          `add the offset, e.g. RecoveryTarget.time(${JSON.stringify(`${v}${v.includes('T') ? 'Z' : '+00'}`)}) for UTC`);
      } else if (!parsed.calendarValid) {
        errors.add(property, shown, 'is not a real date and time (month 1-12, a day of that month, 00:00:00 to 23:59:59, an offset below 16 hours); PostgreSQL would refuse it',
          'use e.g. RecoveryTarget.time("2026-11-30 05:00:00+01")');
      } else if (parsed.epochMs > Date.now()) {
        errors.add(property, shown, 'is in the future: recovery would end before reaching it and the cluster would not start',
          'use a past time, or RecoveryTarget.latest()');
      }
    } else if (this.kind === RecoveryTargetKind.LSN && !/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(this.value ?? '')) {
      errors.add(property, `lsn(${JSON.stringify(this.value)})`, 'is not a WAL location (two hexadecimal numbers separated by a slash)',
        'use e.g. RecoveryTarget.lsn("0/3000060"), as pg_current_wal_lsn() prints it');
    }
  }
}

/** Options of a recovery from an archive. */
export interface RecoveryOptions {
  /**
   * Where WAL replay stops.
   *
   * @default RecoveryTarget.latest()
   */
  readonly target?: RecoveryTarget;
}

/** How a new cluster gets its data. */
export class ClusterBootstrap {
  /** An empty new database (initdb), with the application database and owner. */
  public static newDatabase(): ClusterBootstrap {
    return new ClusterBootstrap(undefined, RecoveryTarget.latest());
  }

  /**
   * Recovery from an archive: the latest backup before the target, then WAL up to the
   * target. The new cluster must archive elsewhere (another path or serverName).
   */
  public static fromArchive(source: ArchiveSource, options: RecoveryOptions = {}): ClusterBootstrap {
    return new ClusterBootstrap(source, options.target ?? RecoveryTarget.latest());
  }

  /** Point-in-time recovery: `fromArchive` with a target. */
  public static pointInTime(source: ArchiveSource, target: RecoveryTarget): ClusterBootstrap {
    return new ClusterBootstrap(source, target);
  }

  private constructor(
    /** The archive recovered from; undefined for a new database. */
    public readonly source: ArchiveSource | undefined,
    public readonly target: RecoveryTarget,
  ) {}

  /** True when the cluster is recovered from an archive. */
  public get isRecovery(): boolean {
    return this.source !== undefined;
  }

  /**
   * Adds errors for a malformed target or source.
   *
   * @internal
   */
  public _check(scope: Construct, errors: ConfigErrors, property: string): void {
    if (!this.source) return;
    this.target._check(errors, `${property}.target`);
    checkDestination(scope, errors, `${property}.source.destination`, this.source.destination);
    checkCredentials(errors, `${property}.source.credentials`, this.source.credentials);
    checkDnsLabel(errors, `${property}.source.serverName`, this.source.serverName, 63);
  }
}

/** A close spelling of `text` that CloudNativePG accepts, or undefined. */
function timeRewrite(text: string): string | undefined {
  const candidates = [
    text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'), // RFC 3339 offsets have a colon: +0200 → +02:00
    text.replace(' ', 'T'), // Z only after the RFC 3339 "T": 2026-06-01 04:00:00Z → 2026-06-01T04:00:00Z
    text.replace(/Z$/, '+00'),
  ];
  return candidates.find((c) => c !== text && parseCnpgTargetTime(c)?.hasOffset);
}
