import { ConfigErrors } from '../core/config-error';

/** Lowest TLS protocol version PostgreSQL accepts (`ssl_min_protocol_version`). */
export enum TlsVersion {
  /** TLS 1.2: only for clients whose TLS library lacks 1.3 (old JDBC, OpenSSL < 1.1.1). */
  TLS_1_2 = 'TLSv1.2',
  /** TLS 1.3 (the default). */
  TLS_1_3 = 'TLSv1.3',
}

/** How clients and standbys must connect. */
export interface ClusterTlsProps {
  /**
   * Lowest TLS version the instances accept (`ssl_min_protocol_version`).
   *
   * @default TlsVersion.TLS_1_3
   */
  readonly minimumVersion?: TlsVersion;

  /**
   * Accept plain-text TCP connections. By default the first pg_hba rule is
   * `hostnossl all all all reject`, so every non-TLS connection (clients and
   * replication) is refused before the engine's own `host` rules are reached. Give the
   * reason why plain text is needed (it is shown in a synth warning); an empty reason is an error.
   *
   * @default - plain text is refused
   */
  readonly allowPlainTextReason?: string;
}

/** ClusterTlsProps with the defaults applied. */
export interface ResolvedClusterTls {
  readonly minimumVersion: TlsVersion;
  readonly requireTls: boolean;
  /**
   * Why plain text is accepted.
   *
   * @default - plain text is refused
   */
  readonly plainTextReason?: string;
}

/** The pg_hba rule that refuses every TCP connection without TLS (it must come first). */
export const REJECT_PLAIN_TEXT_RULE = 'hostnossl all all all reject';

export function resolveClusterTls(props: ClusterTlsProps | undefined, errors: ConfigErrors, warnings: string[]): ResolvedClusterTls {
  const minimumVersion = props?.minimumVersion ?? TlsVersion.TLS_1_3;
  if (!Object.values(TlsVersion).includes(minimumVersion)) {
    errors.add('tls.minimumVersion', minimumVersion, 'is not a TLS version this library allows (TLS 1.0 and 1.1 are broken)', 'use TlsVersion.TLS_1_3 (the default) or TlsVersion.TLS_1_2');
  }
  const reason = props?.allowPlainTextReason;
  if (reason !== undefined && reason.trim() === '') {
    errors.add('tls.allowPlainTextReason', reason, 'is empty; plain-text connections expose passwords and data on the network and need a stated reason',
      'state why plain text is needed (e.g. "legacy client without TLS, until 2027-01"), or remove the property to require TLS');
  }
  if (reason?.trim()) {
    warnings.push(`plain-text connections are accepted (${reason.trim()}): passwords and data can be read on the network. Remove tls.allowPlainTextReason as soon as the clients use TLS.`);
  }
  if (minimumVersion === TlsVersion.TLS_1_2) {
    warnings.push('TLS 1.2 is accepted (tls.minimumVersion): use it only while clients lack TLS 1.3.');
  }
  return { minimumVersion, requireTls: !reason?.trim(), plainTextReason: reason?.trim() || undefined };
}
