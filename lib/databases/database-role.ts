import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsSubdomain } from '../core/dns';
import { checkRoleName, checkSqlIdentifier, kubernetesName } from '../model/sql-identifier';
import { engineCannotRender } from '../model/cluster-engine';
import { ReclaimPolicy } from '../model/database-values';
export { ReclaimPolicy };

/** A PostgreSQL role, as code. */
export interface DatabaseRoleProps {
  /** The cluster the role lives in. */
  readonly cluster: HaPostgres;

  /** Role name: a lower-case identifier, not `postgres`, `pg_…`, `cnpg_…` or an engine's own role. */
  readonly name: string;

  /**
   * Whether the role can log in (a user) or only groups privileges.
   *
   * @default true
   */
  readonly login?: boolean;

  /**
   * A `kubernetes.io/basic-auth` Secret in the cluster's namespace whose `username` is the
   * role name and whose `password` the role gets (never a password in code). Required for
   * a login role: the clusters accept only SCRAM passwords.
   *
   * @default - no password (only for roles without login)
   */
  readonly passwordSecretName?: string;

  /**
   * The REPLICATION attribute: may open replication connections (a logical replication
   * publisher's subscriber role needs it).
   *
   * @default false
   */
  readonly replication?: boolean;

  /**
   * May create databases (CREATEDB).
   *
   * @default false
   */
  readonly createDatabases?: boolean;

  /**
   * May create, alter and drop other roles (CREATEROLE).
   *
   * @default false
   */
  readonly createRoles?: boolean;

  /**
   * Bypasses row-level security policies (BYPASSRLS).
   *
   * @default false
   */
  readonly bypassRowLevelSecurity?: boolean;

  /**
   * Inherits the privileges of the roles it is a member of (INHERIT).
   *
   * @default true
   */
  readonly inherit?: boolean;

  /**
   * Most concurrent connections of the role; -1 for no limit.
   *
   * @default -1
   */
  readonly connectionLimit?: number;

  /**
   * Roles this role is a member of (`GRANT <role> TO <this>`), e.g. `pg_read_all_data` or
   * another declared role. Memberships not listed are revoked. The predefined roles that
   * reach the server's files or programs are refused.
   *
   * @default - none
   */
  readonly memberOf?: string[];

  /**
   * Comment on the role.
   *
   * @default - none
   */
  readonly comment?: string;

  /**
   * When the password stops being valid, an RFC 3339 timestamp (`2027-01-01T00:00:00Z`).
   *
   * @default - never
   */
  readonly validUntil?: string;

  /**
   * What happens when the declaration is removed (CloudNativePG: when the DatabaseRole
   * resource is deleted). Patroni has no operator to drop anything: only RETAIN.
   *
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

/** Predefined roles of PostgreSQL that can be granted, with the first major that has each. */
const PREDEFINED_ROLES: { [name: string]: number } = {
  pg_read_all_data: 14,
  pg_write_all_data: 14,
  pg_monitor: 14,
  pg_read_all_settings: 14,
  pg_read_all_stats: 14,
  pg_stat_scan_tables: 14,
  pg_signal_backend: 14,
  pg_checkpoint: 15,
  pg_use_reserved_connections: 16,
  pg_create_subscription: 16,
  pg_maintain: 17,
  pg_signal_autovacuum_worker: 18,
};

/** Predefined roles equivalent to superuser on the host: refused. */
const HOST_ACCESS_ROLES = ['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program'];

/**
 * A PostgreSQL role declared in code, with its attributes, memberships and password by
 * Secret reference. CloudNativePG renders a `DatabaseRole` (1.30) that its instance manager
 * reconciles; Patroni applies it with the cluster's SQL Job (create if missing, then alter
 * every attribute, the password and the memberships to the declared ones, on each run).
 */
export class DatabaseRole extends Construct {
  public readonly cluster: HaPostgres;
  public readonly roleName: string;
  public readonly login: boolean;
  public readonly passwordSecretName?: string;
  public readonly replication: boolean;
  public readonly createDatabases: boolean;
  public readonly createRoles: boolean;
  public readonly bypassRowLevelSecurity: boolean;
  public readonly inherit: boolean;
  public readonly connectionLimit: number;
  public readonly comment?: string;
  public readonly validUntil?: string;
  public readonly reclaimPolicy: ReclaimPolicy;
  /** Name of the engine's Kubernetes object (CloudNativePG: the DatabaseRole): `<cluster>-role-<name>`. */
  public readonly resourceName: string;

  private readonly memberships: string[];
  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: DatabaseRoleProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.roleName = props.name;
    this.login = props.login ?? true;
    this.passwordSecretName = props.passwordSecretName;
    this.replication = props.replication ?? false;
    this.createDatabases = props.createDatabases ?? false;
    this.createRoles = props.createRoles ?? false;
    this.bypassRowLevelSecurity = props.bypassRowLevelSecurity ?? false;
    this.inherit = props.inherit ?? true;
    this.connectionLimit = props.connectionLimit ?? -1;
    this.comment = props.comment;
    this.validUntil = props.validUntil;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    this.memberships = [];
    this.resourceName = kubernetesName(props.cluster.clusterName, 'role', props.name ?? '');
    addSynthValidation(this, () => this.errors.messages);

    checkRoleName(this.errors, 'name', this.roleName);
    if (this.login && this.passwordSecretName === undefined) {
      this.errors.add('passwordSecretName', 'undefined', 'a login role without a password cannot authenticate: the cluster accepts SCRAM passwords only',
        'give the name of a kubernetes.io/basic-auth Secret with username and password, or set login: false for a group role');
    }
    if (this.passwordSecretName !== undefined) {
      checkDnsSubdomain(this.errors, 'passwordSecretName', this.passwordSecretName, 'give the name of an existing kubernetes.io/basic-auth Secret, e.g. "orders-reporting"');
    }
    if (!Number.isInteger(this.connectionLimit) || this.connectionLimit < -1) {
      this.errors.add('connectionLimit', this.connectionLimit, 'must be a whole number, -1 (no limit) or more', 'use e.g. 20, or -1');
    }
    if (this.validUntil !== undefined && !isTimestamp(this.validUntil)) {
      this.errors.add('validUntil', this.validUntil, 'is not an RFC 3339 timestamp with a time zone', 'use e.g. "2027-01-01T00:00:00Z"');
    }
    if (this.comment !== undefined && this.comment.includes('\0')) {
      this.errors.add('comment', this.comment, 'contains a NUL character, which PostgreSQL text cannot hold', 'remove it');
    }
    (props.memberOf ?? []).forEach((r) => this.addMembership(r, 'memberOf'));

    this.cluster.attachments.addRole(this);
    const engine = this.cluster.engine;
    if (engine.capabilities.databaseRoles) engine.bindDatabaseRole(this, this);
    else engineCannotRender(this.errors, this.cluster, engine, 'DatabaseRole');
  }

  /** The roles this role is a member of (declared, then added), without repeats. */
  public get memberOf(): string[] {
    return [...new Set(this.memberships)];
  }

  /**
   * Makes the role a member of `role` (e.g. `pg_read_all_data`). Used by constructs that
   * need a privilege for it (a publication of all tables for its subscriber role).
   */
  public addMembership(role: string, property = 'addMembership()'): void {
    libraryStateChanged();
    const index = this.memberships.length;
    const prop = `${property}[${index}]`;
    if (HOST_ACCESS_ROLES.includes(role)) {
      this.errors.add(prop, role, 'gives access to the server\'s files or programs, which is superuser power over the instance',
        'grant the database privileges the role needs instead (Grant.onAllTablesInSchema(...))');
      return;
    }
    if (role.startsWith('pg_')) {
      const since = PREDEFINED_ROLES[role];
      if (since === undefined) {
        this.errors.add(prop, role, 'is not a predefined PostgreSQL role that can be granted',
          `use one of ${Object.keys(PREDEFINED_ROLES).join(', ')}, or a role declared with DatabaseRole`);
        return;
      }
      if (this.cluster.intent.version.major < since) {
        this.errors.add(prop, role, `exists from PostgreSQL ${since} on; the cluster runs ${this.cluster.intent.version.major}`,
          'remove it, or upgrade the cluster');
        return;
      }
    } else if (!checkSqlIdentifier(this.errors, prop, role, 'role name', 'readers')) {
      return;
    }
    if (role === this.roleName) {
      this.errors.add(prop, role, 'is the role itself; a role cannot be a member of itself', 'remove it');
      return;
    }
    this.memberships.push(role);
  }
}

function isTimestamp(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
}
