/** How a subscriber verifies the publisher's server certificate. */
export enum PublisherSslMode {
  /** Encrypted, the certificate is not verified (use only when no CA is available). */
  REQUIRE = 'require',
  /** Encrypted, the certificate must be signed by the CA. */
  VERIFY_CA = 'verify-ca',
  /** Encrypted, the certificate must be signed by the CA and name the host. */
  VERIFY_FULL = 'verify-full',
}

/** A publisher outside this app (another team's cluster, a managed database, a VM). */
export interface ExternalPublisherProps {
  /** Host name of the publisher's primary (a DNS name the subscriber's pods resolve). */
  readonly host: string;
  /**
   * Port of the publisher.
   *
   * @default 5432
   */
  readonly port?: number;
  /** Database of the publication. */
  readonly database: string;
  /** Publication name on the publisher. */
  readonly publicationName: string;
  /** Role the subscriber connects as (LOGIN, REPLICATION, SELECT on the published tables). */
  readonly username: string;
  /** A Secret in the subscriber's namespace whose `password` key is that role's password. */
  readonly passwordSecretName: string;
  /** PostgreSQL major of the publisher, for feature checks (row filters, failover slots). */
  readonly postgresMajor: number;
  /**
   * The tables the publication publishes (`schema.table`), when known: a subscription that
   * lists other tables then fails synthesis.
   *
   * @default - unknown (not checked)
   */
  readonly tables?: string[];
  /**
   * Certificate check of the connection.
   *
   * @default PublisherSslMode.VERIFY_FULL
   */
  readonly sslMode?: PublisherSslMode;
  /**
   * A Secret in the subscriber's namespace with the publisher's CA certificate under
   * `ca.crt`; needed for VERIFY_CA and VERIFY_FULL.
   *
   * @default - none
   */
  readonly caSecretName?: string;
}

/** A Secret key reference. */
export interface SecretKeyReference {
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** Where a subscription connects and as whom. */
export interface PublisherConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: SecretKeyReference;
  readonly sslMode: PublisherSslMode;
  /** The CA certificate, for verify-ca and verify-full. */
  readonly caCertificate?: SecretKeyReference;
}

/** How large transactions reach the subscriber. */
export enum SubscriptionStreaming {
  /** Sent when committed (PostgreSQL's default before 18). */
  OFF = 'off',
  /** Streamed while in progress, written to temporary files, applied at commit. */
  ON = 'on',
  /** Streamed and applied by parallel apply workers (PostgreSQL 16+ subscribers; the default from 18). */
  PARALLEL = 'parallel',
}
