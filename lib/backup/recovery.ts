import { Construct } from 'constructs';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { checkCredentials, checkDestination } from './archive-checks';
import type { ArchiveCredentials } from './archive-credentials';
import type { ArchiveDestination } from './archive-destination';
import type { WalArchive } from './wal-archive';

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
  public static fromWalArchive(archive: WalArchive): ArchiveSource {
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
   * A point in time, as an RFC 3339 timestamp with an explicit offset
   * (`2026-11-30T04:00:00Z`, `2026-11-30T05:00:00+01:00`).
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
      const ok = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')));
      if (!ok) {
        errors.add(property, `time(${JSON.stringify(v)})`, 'is not an RFC 3339 timestamp with a time zone offset; without one PostgreSQL would use the server\'s zone',
          'use e.g. RecoveryTarget.time("2026-11-30T04:00:00Z")');
      } else if (Date.parse(v.replace(' ', 'T')) > Date.now()) {
        errors.add(property, `time(${JSON.stringify(v)})`, 'is in the future: recovery would end before reaching it and the cluster would not start',
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
