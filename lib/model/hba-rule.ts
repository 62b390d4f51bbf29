import { ConfigErrors } from '../core/config-error';
import { isCidr } from './cidr';

/** Authentication methods a library-rendered pg_hba rule may use. */
export enum HbaMethod {
  /** SCRAM-SHA-256 password authentication (never `md5` or `password`). */
  SCRAM_SHA_256 = 'scram-sha-256',
  /** TLS client certificate; the certificate's CN must equal the user. */
  CERT = 'cert',
  /** Refuse the connection. */
  REJECT = 'reject',
}

/** Options of a pg_hba rule. */
export interface HbaRuleOptions {
  /**
   * Database(s) the rule applies to (`all`, a name, or a comma-separated list).
   *
   * @default 'all'
   */
  readonly database?: string;
  /**
   * User(s) the rule applies to (`all`, a role, `+group`, or a comma-separated list).
   *
   * @default 'all'
   */
  readonly user?: string;
  /** Client addresses, a CIDR such as `10.20.0.0/16`. */
  readonly address: string;
  /**
   * How the client authenticates.
   *
   * @default HbaMethod.SCRAM_SHA_256
   */
  readonly method?: HbaMethod;
}

const TOKEN = /^(all|[+]?[a-z_][a-z0-9_$-]*)(,[+]?[a-z_][a-z0-9_$-]*)*$/;

/**
 * A pg_hba rule added after the library's own (`hostnossl all all all reject` first).
 * Only `hostssl` rules: plain text stays refused.
 */
export class HbaRule {
  /** A `hostssl` rule: connections over TLS from `address`. */
  public static hostssl(options: HbaRuleOptions): HbaRule {
    return new HbaRule(options.database ?? 'all', options.user ?? 'all', options.address, options.method ?? HbaMethod.SCRAM_SHA_256);
  }

  private constructor(
    public readonly database: string,
    public readonly user: string,
    public readonly address: string,
    public readonly method: HbaMethod,
  ) {}

  /** The pg_hba.conf line. */
  public render(): string {
    return `hostssl ${this.database} ${this.user} ${this.address} ${this.method}`;
  }

  /**
   * Reports fields pg_hba would reject or misread.
   *
   * @internal
   */
  public _check(errors: ConfigErrors, property: string): void {
    if (!TOKEN.test(this.database)) {
      errors.add(`${property}.database`, this.database, 'is not a pg_hba database field (all, a lower-case name, or names separated by commas)', 'give e.g. "app" or "all"');
    }
    if (!TOKEN.test(this.user)) {
      errors.add(`${property}.user`, this.user, 'is not a pg_hba user field (all, a lower-case role, +group, or a comma-separated list)', 'give e.g. "app" or "all"');
    }
    if (!isCidr(this.address)) {
      errors.add(`${property}.address`, this.address, 'is not a CIDR (pg_hba would reject the whole file and the instance would not start)', 'give e.g. "10.20.0.0/16"');
    }
    if (!Object.values(HbaMethod).includes(this.method)) {
      errors.add(`${property}.method`, this.method, 'is not an allowed authentication method (trust, password and md5 are refused)', 'use HbaMethod.SCRAM_SHA_256 or HbaMethod.CERT');
    }
  }
}
