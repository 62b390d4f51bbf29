import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { PostgresVersion } from '../model/postgres-version';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel, checkImageReference } from '../core/dns';
import { SynthWarnings } from '../core/synth-warnings';
import { cnpgImageFlavour, coreExtensionRange, imageDistribution, imageExtensions } from '../model/extension-catalog';

/** What runs now, before an in-place major upgrade. */
export interface InPlaceMajorUpgradeProps {
  /** The cluster, already declared at the target version (its `version` or `imageName`). */
  readonly cluster: HaPostgres;

  /** The version the cluster runs now. */
  readonly fromVersion: PostgresVersion;

  /**
   * The image the cluster runs now.
   *
   * @default - the engine's image for `fromVersion`
   */
  readonly fromImage?: string;

  /**
   * Extensions installed in any database of the running cluster (`SELECT extname FROM
   * pg_extension` in each). pg_upgrade fails when the target image lacks one. The
   * extensions of the cluster's Database constructs are added.
   *
   * @default - only those of the Database constructs
   */
  readonly extensions?: string[];

  /**
   * The Barman Cloud plugin `serverName` the running major archives to. Required when the
   * cluster has a WalArchive: CloudNativePG requires a new serverName with the upgrade
   * (pg_upgrade starts a new system on timeline 1, whose WAL would overwrite the old
   * timeline's files), so the WalArchive's `serverName` must differ from it.
   *
   * @default - none (an error when the cluster has a WalArchive)
   */
  readonly previousArchiveServerName?: string;

  /**
   * Whether the running cluster has data checksums (`SHOW data_checksums`). Clusters this
   * library created have them; one adopted from elsewhere may not, and pg_upgrade keeps
   * the old setting.
   *
   * @default true
   */
  readonly dataChecksums?: boolean;
}

/**
 * The preflight of an offline in-place major upgrade on CloudNativePG (1.26+ runs
 * pg_upgrade when the declared image's major goes up): synthesis fails on what breaks the
 * upgrade (a downgrade or an unchanged major, another Linux distribution, an extension
 * missing from the target image, the WAL archive's serverName left unchanged, an engine
 * without in-place upgrades) and warns about what it costs (the whole cluster offline,
 * standbys re-cloned, logical replication slots lost before 17, a new base backup
 * needed). Renders nothing: keep it while the upgrade is rolled out, then remove it.
 */
export class InPlaceMajorUpgrade extends Construct {
  public readonly cluster: HaPostgres;
  public readonly fromVersion: PostgresVersion;
  public readonly fromImage: string;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: InPlaceMajorUpgradeProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.fromVersion = props.fromVersion;
    this.fromImage = props.fromImage ?? props.cluster.engine.imageFor(props.fromVersion);
    // Archives, databases and publications may be declared after this construct: check at synth.
    addSynthValidation(this, () => [...this.errors.messages, ...this.lateErrors(props)]);

    const engine = this.cluster.engine;
    const from = this.fromVersion;
    const to = this.cluster.intent.version;
    if (!engine.capabilities.inPlaceMajorUpgrade) {
      this.errors.add('cluster', this.cluster.clusterName, `the engine ${engine.name} has no in-place major upgrade`,
        'use BlueGreenUpgrade (a new cluster at the target major, by logical replication)');
      return;
    }
    if (!from.isSupportedBy(engine.supportedMajors)) {
      this.errors.add('fromVersion', from.fullVersion, `PostgreSQL ${from.major} is not a supported source`, `give the running version, one of ${engine.supportedMajors.join(', ')}`);
      return;
    }
    if (to.major < from.major) {
      this.errors.add('cluster.version', to.fullVersion, `is older than the running PostgreSQL ${from.fullVersion}: pg_upgrade cannot downgrade, and CloudNativePG refuses the older image`,
        `declare PostgreSQL ${from.major} again (a failed upgrade is rolled back the same way), or restore a backup of the older major into a new cluster`);
      return;
    }
    if (to.major === from.major) {
      this.errors.add('cluster.version', to.fullVersion, `has the same major as the running PostgreSQL ${from.fullVersion}: that is a minor update, done by a rolling update without pg_upgrade`,
        'remove the InPlaceMajorUpgrade');
      return;
    }
    if (to.major < 16) {
      this.errors.add('cluster.version', to.fullVersion, `CloudNativePG 1.30 upgrades in place only to PostgreSQL 16 or later (its webhook refuses ${to.major}: the collation information pg_upgrade needs for 14 and 15 is not carried)`,
        'upgrade in place to PostgreSQL 16 or later, or use BlueGreenUpgrade');
      return;
    }
    if (props.fromImage !== undefined) checkImageReference(this.errors, 'fromImage', props.fromImage, 'ghcr.io/cloudnative-pg/postgresql:16.10-standard-trixie');
    const fromDistro = imageDistribution(this.fromImage);
    const toDistro = imageDistribution(this.cluster.intent.imageName);
    if (fromDistro && toDistro && fromDistro !== toDistro) {
      this.errors.add('cluster.imageName', this.cluster.intent.imageName, `is built on Debian ${toDistro} but the running image on ${fromDistro}: CloudNativePG upgrades in place only between images of the same distribution (the old binaries run from the old image's libraries)`,
        `use the ${fromDistro} image of PostgreSQL ${to.major}, and change distribution in a separate step (a blue/green upgrade)`);
    } else if (!fromDistro || !toDistro) {
      SynthWarnings.add(this, `cannot tell the Linux distribution of ${!fromDistro ? this.fromImage : this.cluster.intent.imageName}: CloudNativePG upgrades in place only between images of the same distribution.`);
    }
    if (props.previousArchiveServerName !== undefined) checkDnsLabel(this.errors, 'previousArchiveServerName', props.previousArchiveServerName, 63);

    SynthWarnings.add(this, `in-place upgrade of ${this.cluster.clusterName} from PostgreSQL ${from.fullVersion} to ${to.fullVersion}: every instance stops while pg_upgrade runs ` +
      '(minutes for --link, longer with many objects); standbys are then deleted and re-cloned from the upgraded primary; optimizer statistics are empty until ANALYZE. ' +
      'For an upgrade without downtime use BlueGreenUpgrade.');
    if ((props.dataChecksums ?? true) === false) {
      SynthWarnings.add(this, 'the running cluster has no data checksums: pg_upgrade keeps that (CloudNativePG initializes the new data directory like the old one), ' +
        'so silent corruption stays undetected. Use a blue/green upgrade (a new cluster is initialized with checksums) to gain them.');
    }
  }

  private lateErrors(props: InPlaceMajorUpgradeProps): string[] {
    const errors = new ConfigErrors();
    const from = this.fromVersion;
    const to = this.cluster.intent.version;
    if (!this.cluster.engine.capabilities.inPlaceMajorUpgrade || !from.isSupported || to.major <= from.major) return [];

    // Extensions: the ones the user lists plus those of the cluster's Database constructs.
    const declared = this.cluster.attachments.databases.flatMap((d) => d.extensions.map((e) => e.name));
    const names = [...new Set([...(props.extensions ?? []), ...declared])];
    const flavour = cnpgImageFlavour(this.cluster.intent.imageName);
    if (flavour) {
      const available = imageExtensions(to.major, flavour);
      names.forEach((name) => {
        if (available.includes(name)) return;
        const range = coreExtensionRange(name);
        const why = range && to.major > range[1]
          ? `was removed from PostgreSQL after ${range[1]}, so pg_upgrade fails on the databases that have it`
          : `is not in the ${flavour} image of PostgreSQL ${to.major} (${this.cluster.intent.imageName}), so pg_upgrade fails loading it`;
        errors.add('extensions', name, why,
          range && to.major > range[1] ? `DROP EXTENSION ${name} in every database before the upgrade` : 'drop the extension before the upgrade, or declare an imageName that carries it for the target major');
      });
    } else if (names.length > 0) {
      SynthWarnings.addDuringValidation(this, `cannot verify that ${this.cluster.intent.imageName} carries the extensions ${names.join(', ')} for PostgreSQL ${to.major}; pg_upgrade fails on any that is missing.`);
    }

    const archive = this.cluster.walArchive;
    if (archive) {
      if (props.previousArchiveServerName === undefined) {
        errors.add('previousArchiveServerName', 'undefined', `cluster ${this.cluster.clusterName} archives to serverName "${archive.serverName}", and the upgraded system (a new system identifier, timeline 1) must archive under a new serverName or its WAL overwrites the old major's`,
          `give the serverName the running major archives to, and set the WalArchive's serverName to a new one (e.g. "${this.cluster.clusterName}-pg${to.major}")`);
      } else if (props.previousArchiveServerName === archive.serverName) {
        errors.add('WalArchive serverName', archive.serverName, 'is the serverName the running major archives to; CloudNativePG requires a new one with an in-place major upgrade (pg_upgrade starts timeline 1 again, whose WAL would overwrite the old files)',
          `set the WalArchive's serverName to a new one, e.g. "${this.cluster.clusterName}-pg${to.major}" (the old archive stays for recovery of the old major)`);
      }
      SynthWarnings.addDuringValidation(this, 'backups and WAL of the old major cannot restore into the new one: take a base backup right after the upgrade (e.g. a one-off Backup, or wait for the ScheduledBackup).');
    } else {
      SynthWarnings.addDuringValidation(this, `cluster ${this.cluster.clusterName} has no WalArchive: take a backup before the upgrade, since a failed pg_upgrade --link can leave no way back but a restore.`);
    }

    const published = this.cluster.attachments.publications;
    if (published.length > 0 || this.cluster.attachments.subscribers.length > 0) {
      SynthWarnings.addDuringValidation(this, from.major < 17
        ? `cluster ${this.cluster.clusterName} publishes for logical replication: pg_upgrade from PostgreSQL ${from.major} drops logical replication slots (only 17+ keeps them), so every subscriber stops and must be re-created with a new initial copy.`
        : `cluster ${this.cluster.clusterName} publishes for logical replication: pg_upgrade keeps the logical slots only when the subscribers have consumed every change before the shutdown; stop writes and let them catch up first.`);
    }
    if (this.cluster.attachments.subscriptions.length > 0 && from.major < 17) {
      SynthWarnings.addDuringValidation(this, `cluster ${this.cluster.clusterName} subscribes by logical replication: pg_upgrade from PostgreSQL ${from.major} does not keep the subscriptions' progress (17+ does), so they may apply changes again or stop; re-create them after the upgrade.`);
    }
    return errors.messages;
  }
}
