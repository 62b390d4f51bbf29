import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsSubdomain, isDnsSubdomain } from '../core/dns';
import { SynthWarnings } from '../core/synth-warnings';
import type { DatabaseRole } from '../databases/database-role';
import { ReclaimPolicy } from '../databases/database-role';
import { checkSqlIdentifier, kubernetesName, parseTableName } from '../model/sql-identifier';
import { NetworkPeer } from '../model/network-peer';
import { subscriberRequirementErrors, validateClusterOnce } from '../model/logical-requirements';
import type { Publication } from './publication';
import { engineCannotRender } from '../model/cluster-engine';
import { PublisherSslMode, ExternalPublisherProps, SecretKeyReference, PublisherConnection, SubscriptionStreaming } from '../model/subscription-values';
export { PublisherSslMode, SubscriptionStreaming };
export type { ExternalPublisherProps, SecretKeyReference, PublisherConnection };

/** The publisher a Subscription reads from. */
export class LogicalPublisher {
  /**
   * A Publication of this app, read as `role` (a DatabaseRole of the publisher cluster with
   * LOGIN, REPLICATION and a passwordSecretName). The publication grants the role read
   * access to its tables (`grantSubscribe`), and the clusters' NetworkPolicies are opened
   * between them.
   */
  public static fromPublication(publication: Publication, role: DatabaseRole): LogicalPublisher {
    return new LogicalPublisher(publication, role, undefined);
  }

  /** A publisher outside this app. */
  public static external(props: ExternalPublisherProps): LogicalPublisher {
    return new LogicalPublisher(undefined, undefined, { ...props, tables: props.tables ? [...props.tables] : undefined });
  }

  private constructor(
    /** The Publication, for a publisher of this app. */
    public readonly publication: Publication | undefined,
    /** The role the subscriber connects as, for a publisher of this app. */
    public readonly role: DatabaseRole | undefined,
    /** The description of an external publisher (the static `external()` builds one). */
    public readonly externalPublisher: ExternalPublisherProps | undefined,
  ) {}

  /** The publisher cluster, when it is in this app. */
  public get cluster(): HaPostgres | undefined {
    return this.publication?.cluster;
  }

  /** Publication name on the publisher. */
  public get publicationName(): string {
    return this.publication?.publicationName ?? this.externalPublisher?.publicationName ?? '';
  }

  /** PostgreSQL major of the publisher. */
  public get postgresMajor(): number {
    return this.publication?.cluster.intent.version.major ?? this.externalPublisher?.postgresMajor ?? 0;
  }

  /** The published tables as `schema.table`; undefined when the publication is not a table list (or unknown). */
  public get publishedTables(): string[] | undefined {
    if (this.publication) return this.publication.tableNames;
    return this.externalPublisher?.tables?.map((t) => { const q = parseTableName(t); return q ? `${q.schema}.${q.table}` : t; });
  }

  /** Schemas published whole (`FOR TABLES IN SCHEMA`), or undefined. */
  public get publishedSchemas(): string[] | undefined {
    const p = this.publication;
    return p && !p.target.isAllTables && p.target.schemas.length > 0 ? [...p.target.schemas] : undefined;
  }

  /** The connection a subscriber in `subscriberNamespace` makes. */
  public connection(subscriberNamespace: string | undefined): PublisherConnection {
    const ext = this.externalPublisher;
    if (ext) {
      return {
        host: ext.host,
        port: ext.port ?? 5432,
        database: ext.database,
        username: ext.username,
        password: { name: ext.passwordSecretName, key: 'password' },
        sslMode: ext.sslMode ?? PublisherSslMode.VERIFY_FULL,
        caCertificate: ext.caSecretName ? { name: ext.caSecretName, key: 'ca.crt' } : undefined,
      };
    }
    const publication = this.publication as Publication;
    const cluster = publication.cluster;
    const ns = publication.namespace;
    const sameNamespace = ns === undefined || ns === subscriberNamespace;
    const ca = cluster.engine.serverCertificateAuthority(cluster.clusterName);
    return {
      host: sameNamespace ? cluster.readWriteServiceName : `${cluster.readWriteServiceName}.${ns}.svc`,
      port: cluster.port,
      database: publication.database,
      username: this.role?.roleName ?? '',
      password: { name: this.role?.passwordSecretName ?? '', key: 'password' },
      sslMode: ca ? PublisherSslMode.VERIFY_FULL : PublisherSslMode.REQUIRE,
      caCertificate: ca,
    };
  }
}

/** A logical replication subscription, as code. */
export interface SubscriptionProps {
  /** The subscriber cluster (where the subscription is created). */
  readonly cluster: HaPostgres;

  /** Subscription name (also its replication slot's name on the publisher): a lower-case identifier. */
  readonly name: string;

  /** Where the changes come from. */
  readonly publisher: LogicalPublisher;

  /**
   * Database of the subscription on the subscriber; its tables must already exist (the
   * schema is not replicated).
   *
   * @default - the subscriber cluster's application database
   */
  readonly database?: string;

  /**
   * The tables this subscriber expects (`schema.table`): synthesis fails when the
   * publication does not publish one of them. The cutover CLI compares their row counts.
   *
   * @default - the publication's tables
   */
  readonly tables?: string[];

  /**
   * Copy the rows that exist when the subscription starts (`copy_data`).
   *
   * @default true
   */
  readonly copyExistingData?: boolean;

  /**
   * How large in-progress transactions are sent.
   *
   * @default - PostgreSQL's default of the subscriber (OFF up to 17, PARALLEL from 18)
   */
  readonly streaming?: SubscriptionStreaming;

  /**
   * Binary transfer of column values: faster, but the initial copy fails when a type has
   * no binary format on both sides, and formats may differ between majors.
   *
   * @default false
   */
  readonly binary?: boolean;

  /**
   * Disable the subscription on an apply error instead of retrying in a loop (`disable_on_error`, 15+).
   *
   * @default false
   */
  readonly disableOnError?: boolean;

  /**
   * Create the publisher's slot as a failover slot (`failover`, PostgreSQL 17+ on both
   * sides), synchronized to the publisher's standbys so the subscription continues after a
   * publisher failover.
   *
   * @default - true when the publisher is a CloudNativePG cluster of this app with standbys on 17+ (its slots are synchronized), else false
   */
  readonly failover?: boolean;

  /**
   * What happens when the declaration is removed (CloudNativePG: when the Subscription
   * resource is deleted; DELETE also drops the slot on the publisher). Patroni: only RETAIN.
   *
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

/**
 * A subscription of a cluster to a publication (of this app or external). CloudNativePG
 * renders a `Subscription` resource and the publisher as an `externalClusters` entry of the
 * subscriber's Cluster (password and CA by Secret reference); Patroni creates it with the
 * subscriber's SQL Job. The subscriber is checked at synth time for enough logical
 * replication workers, worker processes and replication origins; the tables it expects must
 * be published; the NetworkPolicies of both clusters let the subscriber reach the publisher.
 */
export class Subscription extends Construct {
  public readonly cluster: HaPostgres;
  public readonly subscriptionName: string;
  public readonly publisher: LogicalPublisher;
  public readonly database: string;
  public readonly copyExistingData: boolean;
  public readonly streaming?: SubscriptionStreaming;
  public readonly binary: boolean;
  public readonly disableOnError: boolean;
  public readonly failover: boolean;
  public readonly reclaimPolicy: ReclaimPolicy;
  /** Name of the engine's Kubernetes object (CloudNativePG: the Subscription): `<cluster>-sub-<name>`. */
  public readonly resourceName: string;
  /** Name of the publisher's `externalClusters` entry on CloudNativePG: `pub-<subscription name>`. */
  public readonly externalClusterName: string;

  private readonly expectedTables?: string[];
  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: SubscriptionProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.subscriptionName = props.name;
    this.publisher = props.publisher;
    this.database = props.database ?? props.cluster.databaseName;
    this.copyExistingData = props.copyExistingData ?? true;
    this.streaming = props.streaming;
    this.binary = props.binary ?? false;
    this.disableOnError = props.disableOnError ?? false;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    this.expectedTables = props.tables ? [...props.tables] : undefined;
    this.resourceName = kubernetesName(props.cluster.clusterName, 'sub', props.name ?? '');
    this.externalClusterName = kubernetesName('pub', props.name ?? '');
    const publisherCluster = props.publisher.cluster;
    const subMajor = this.cluster.intent.version.major;
    const pubMajor = props.publisher.postgresMajor;
    const slotsSynchronized = publisherCluster !== undefined && publisherCluster.intent.highlyAvailable &&
      publisherCluster.engine.synchronizesLogicalSlots(publisherCluster);
    this.failover = props.failover ?? (slotsSynchronized && subMajor >= 17 && pubMajor >= 17);
    addSynthValidation(this, () => this.errors.messages);
    validateClusterOnce(this.cluster, 'subscriber', () => subscriberRequirementErrors(this.cluster));

    checkSqlIdentifier(this.errors, 'name', this.subscriptionName, 'subscription name', 'orders_sub');
    checkSqlIdentifier(this.errors, 'database', this.database, 'database name', 'app');
    this.checkPublisher(props);
    this.checkOptions(props, subMajor, pubMajor);
    this.checkTables();

    if (publisherCluster) {
      if (publisherCluster === this.cluster) {
        this.errors.add('publisher', `publication ${props.publisher.publicationName}`, 'is on the subscriber cluster itself: a subscription to its own cluster replicates in a loop (and its slot creation hangs)',
          'subscribe from another cluster')
      } else {
        // The subscriber's instances connect to the publisher's primary (and the publisher lets them in).
        publisherCluster.connections.allowFrom(NetworkPeer.fromCluster(this.cluster));
      }
      if (props.publisher.role) props.publisher.publication?.grantSubscribe(props.publisher.role);
      if (publisherCluster.intent.highlyAvailable && !this.failover) {
        SynthWarnings.add(this, `the publisher ${publisherCluster.clusterName} has standbys, but the slot of subscription ${this.subscriptionName} is not a failover slot ` +
          `(${pubMajor < 17 || subMajor < 17 ? 'failover slots need PostgreSQL 17 on both sides' : `${publisherCluster.engine.name} does not synchronize logical slots to its standbys`}): ` +
          'after a publisher failover the subscription stops and must be re-created (copying the tables again). Keep the replication window short.');
      }
    } else if (props.publisher.externalPublisher) {
      this.cluster.connections.allowExternalPostgres(props.publisher.externalPublisher.port ?? 5432);
    }

    this.cluster.attachments.addSubscription(this);
    publisherCluster?.attachments.addSubscriber(this);
    const engine = this.cluster.engine;
    if (engine.capabilities.subscriptions) engine.bindSubscription(this, this);
    else engineCannotRender(this.errors, this.cluster, engine, 'Subscription');
  }

  /** The Kubernetes namespace of the subscription (its chart's), if known. */
  public get namespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /** True when large transactions are applied by parallel workers (explicitly, or by default from PostgreSQL 18). */
  public get parallelApply(): boolean {
    return this.streaming === SubscriptionStreaming.PARALLEL || (this.streaming === undefined && this.cluster.intent.version.major >= 18);
  }

  /** The tables the subscriber expects (`schema.table`), or the publication's table list, or undefined (whole schemas or database). */
  public get tables(): string[] | undefined {
    if (this.expectedTables) return this.expectedTables.map((t) => { const q = parseTableName(t); return q ? `${q.schema}.${q.table}` : t; });
    return this.publisher.publishedTables;
  }

  /** Where the subscriber connects (host, port, database, user, Secret references). */
  public get connection(): PublisherConnection {
    return this.publisher.connection(this.namespace);
  }

  /**
   * The `WITH (…)` options of CREATE SUBSCRIPTION, as strings (only those that differ from
   * PostgreSQL's defaults, plus `copy_data`).
   */
  public get parameters(): { [name: string]: string } {
    const p: { [name: string]: string } = { copy_data: String(this.copyExistingData) };
    if (this.streaming !== undefined) p.streaming = this.streaming;
    if (this.binary) p.binary = 'true';
    if (this.disableOnError) p.disable_on_error = 'true';
    if (this.failover) p.failover = 'true';
    return p;
  }

  private checkPublisher(props: SubscriptionProps): void {
    const p = props.publisher;
    const ext = p.externalPublisher;
    if (ext) {
      if (!isDnsSubdomain(ext.host.toLowerCase())) {
        this.errors.add('publisher.host', ext.host, 'is not a host name', 'give the DNS name of the publisher\'s primary, e.g. "orders.db.example.com"');
      }
      const port = ext.port ?? 5432;
      if (!Number.isInteger(port) || port < 1 || port > 65535) this.errors.add('publisher.port', port, 'is not a TCP port', 'give e.g. 5432');
      checkSqlIdentifier(this.errors, 'publisher.database', ext.database, 'database name', 'app');
      checkSqlIdentifier(this.errors, 'publisher.publicationName', ext.publicationName, 'publication name', 'orders_pub');
      checkSqlIdentifier(this.errors, 'publisher.username', ext.username, 'role name', 'replicator');
      checkDnsSubdomain(this.errors, 'publisher.passwordSecretName', ext.passwordSecretName, 'give the name of a Secret with the password under "password"');
      if (!Number.isInteger(ext.postgresMajor) || ext.postgresMajor < 10) {
        this.errors.add('publisher.postgresMajor', ext.postgresMajor, 'is not a PostgreSQL major with logical replication (10 or later)', 'give the publisher\'s major, e.g. 14');
      }
      const mode = ext.sslMode ?? PublisherSslMode.VERIFY_FULL;
      if (mode !== PublisherSslMode.REQUIRE && ext.caSecretName === undefined) {
        this.errors.add('publisher.caSecretName', 'undefined', `sslMode ${mode} verifies the publisher's certificate, which needs its CA`,
          'give a Secret with the CA under "ca.crt", or use PublisherSslMode.REQUIRE (encrypted but unverified)');
      }
      if (ext.caSecretName !== undefined) checkDnsSubdomain(this.errors, 'publisher.caSecretName', ext.caSecretName, 'give the name of a Secret with "ca.crt"');
      return;
    }
    // a role of another cluster is reported by the publication's grantSubscribe
    const role = p.role as DatabaseRole;
    if (!role.passwordSecretName) {
      this.errors.add('publisher', `role ${role.roleName}`, 'has no passwordSecretName, so the subscriber has no password to connect with',
        'give the role a passwordSecretName');
    }
    const pubNs = p.publication?.namespace;
    if (pubNs !== undefined && pubNs !== this.namespace) {
      const ca = this.connection.caCertificate;
      SynthWarnings.add(this, `the publisher is in namespace "${pubNs}": the Secret "${role.passwordSecretName}"` +
        `${ca ? ` and the CA Secret "${ca.name}"` : ''}` +
        ` must also exist in namespace "${this.namespace}" (e.g. synced by an external secret store).`);
    }
  }

  private checkOptions(props: SubscriptionProps, subMajor: number, pubMajor: number): void {
    if (this.streaming !== undefined && !Object.values(SubscriptionStreaming).includes(this.streaming)) {
      this.errors.add('streaming', this.streaming, 'is not a streaming mode', 'use SubscriptionStreaming.OFF, ON or PARALLEL');
    }
    if (this.streaming === SubscriptionStreaming.PARALLEL && subMajor < 16) {
      this.errors.add('streaming', this.streaming, `parallel apply needs a PostgreSQL 16 or later subscriber; ${this.cluster.clusterName} runs ${subMajor}`,
        'use SubscriptionStreaming.ON');
    }
    if (this.disableOnError && subMajor < 15) {
      this.errors.add('disableOnError', true, `disable_on_error needs a PostgreSQL 15 or later subscriber; ${this.cluster.clusterName} runs ${subMajor}`, 'remove disableOnError');
    }
    if (props.failover === true && (subMajor < 17 || pubMajor < 17)) {
      this.errors.add('failover', true, `failover slots need PostgreSQL 17 or later on both sides; the subscriber runs ${subMajor}, the publisher ${pubMajor}`, 'remove failover');
    }
    if (this.binary && subMajor !== pubMajor) {
      SynthWarnings.add(this, `binary transfer between PostgreSQL ${pubMajor} and ${subMajor}: a type whose binary format differs between the majors, or that lacks one, makes the copy fail. Prefer binary: false across majors.`);
    }
  }

  private checkTables(): void {
    const expected = this.expectedTables;
    if (!expected) return;
    if (expected.length === 0) this.errors.add('tables', expected, 'lists no table', 'list the tables the subscriber expects, or leave tables out');
    const published = this.publisher.publishedTables;
    const schemas = this.publisher.publishedSchemas;
    expected.forEach((t, i) => {
      const q = parseTableName(t);
      if (!q) {
        this.errors.add(`tables[${i}]`, t, 'is not a lower-case table name, optionally schema-qualified', 'use e.g. "orders" or "billing.invoices"');
        return;
      }
      const name = `${q.schema}.${q.table}`;
      if (schemas?.includes(q.schema)) return;
      if (published !== undefined && !published.includes(name)) {
        this.errors.add(`tables[${i}]`, t, `is not published by publication ${this.publisher.publicationName}, which publishes ${[...(published ?? []), ...(schemas ?? []).map((s) => `${s}.*`)].join(', ') || 'nothing'}`,
          `add ${name} to the publication's tables, or remove it from the subscription's tables`);
      }
    });
  }
}
