import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { ReclaimPolicy } from './database-role';
import { cnpgImageFlavour, coreExtensionRange, imageExtensions } from '../model/extension-catalog';
import type { Grant } from '../model/grant';
import { checkSqlIdentifier, kubernetesName } from '../model/sql-identifier';
import { SynthWarnings } from '../core/synth-warnings';
import { engineCannotRender } from '../model/cluster-engine';
import { DatabaseExtension, DatabaseSchema } from '../model/database-values';
export type { DatabaseExtension, DatabaseSchema };

/** A database, as code. */
export interface DatabaseProps {
  /** The cluster that hosts the database. */
  readonly cluster: HaPostgres;

  /**
   * Database name: a lower-case identifier, not `postgres`, `template0` or `template1`. The
   * cluster's application database (`app`) may be declared too, to manage its extensions,
   * schemas and grants.
   */
  readonly name: string;

  /** The role that owns the database (the cluster's owner, or a DatabaseRole). */
  readonly owner: string;

  /**
   * Extensions to install (created when missing, updated to `version` when given).
   *
   * @default - none
   */
  readonly extensions?: DatabaseExtension[];

  /**
   * Schemas to create (and whose owner is kept).
   *
   * @default - none
   */
  readonly schemas?: DatabaseSchema[];

  /**
   * Privileges to grant inside the database.
   *
   * @default - none
   */
  readonly grants?: Grant[];

  /**
   * Most concurrent connections to the database; -1 for no limit.
   *
   * @default -1
   */
  readonly connectionLimit?: number;

  /**
   * Whether anyone can connect to the database.
   *
   * @default true
   */
  readonly allowConnections?: boolean;

  /**
   * Character set encoding (set at creation only).
   *
   * @default 'UTF8'
   */
  readonly encoding?: string;

  /**
   * Locale (LC_COLLATE and LC_CTYPE; set at creation only).
   *
   * @default - the cluster's initdb locale
   */
  readonly locale?: string;

  /**
   * What happens when the declaration is removed (CloudNativePG: when the Database
   * resource is deleted). Patroni: only RETAIN.
   *
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

const RESERVED_DATABASES = ['postgres', 'template0', 'template1'];
const EXTENSION_NAME = /^[a-z_][a-z0-9_-]{0,62}$/;

/**
 * A database declared in code, with its owner, extensions, schemas and grants.
 * CloudNativePG renders a `Database` resource (extensions and schemas in it; grants by a
 * Job that connects as the database owner, since the resource has no grants); Patroni
 * applies everything with the cluster's SQL Job. Every step is idempotent.
 */
export class Database extends Construct {
  public readonly cluster: HaPostgres;
  public readonly databaseName: string;
  public readonly owner: string;
  public readonly extensions: DatabaseExtension[];
  public readonly schemas: DatabaseSchema[];
  public readonly connectionLimit: number;
  public readonly allowConnections: boolean;
  public readonly encoding: string;
  public readonly locale?: string;
  public readonly reclaimPolicy: ReclaimPolicy;
  /** Name of the engine's Kubernetes object (CloudNativePG: the Database): `<cluster>-db-<name>`. */
  public readonly resourceName: string;

  private readonly grantList: Grant[] = [];
  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.databaseName = props.name;
    this.owner = props.owner;
    this.extensions = [...(props.extensions ?? [])];
    this.schemas = [...(props.schemas ?? [])];
    this.connectionLimit = props.connectionLimit ?? -1;
    this.allowConnections = props.allowConnections ?? true;
    this.encoding = props.encoding ?? 'UTF8';
    this.locale = props.locale;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    this.resourceName = kubernetesName(props.cluster.clusterName, 'db', props.name ?? '');
    addSynthValidation(this, () => { this.warnUndeclaredOwner(); return this.errors.messages; });

    if (checkSqlIdentifier(this.errors, 'name', this.databaseName, 'database name', 'orders') && RESERVED_DATABASES.includes(this.databaseName)) {
      this.errors.add('name', this.databaseName, 'is a system database that the engine manages', 'choose another name, e.g. "orders"');
    }
    checkSqlIdentifier(this.errors, 'owner', this.owner, 'role name', 'app');
    if (!Number.isInteger(this.connectionLimit) || this.connectionLimit < -1) {
      this.errors.add('connectionLimit', this.connectionLimit, 'must be a whole number, -1 (no limit) or more', 'use e.g. 100, or -1');
    }
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(this.encoding)) {
      this.errors.add('encoding', this.encoding, 'is not an encoding name', 'use "UTF8"');
    }
    if (this.locale !== undefined && !/^[A-Za-z0-9_.@-]{1,64}$/.test(this.locale)) {
      this.errors.add('locale', this.locale, 'is not a locale name', 'use e.g. "C.UTF-8" or "en_US.UTF-8"');
    }
    this.checkExtensions();
    this.schemas.forEach((s, i) => {
      checkSqlIdentifier(this.errors, `schemas[${i}].name`, s.name, 'schema name', 'billing');
      if (s.name.startsWith('pg_') || s.name === 'information_schema') {
        this.errors.add(`schemas[${i}].name`, s.name, 'is reserved for the system', 'choose another name, e.g. "billing"');
      }
      if (s.owner !== undefined) checkSqlIdentifier(this.errors, `schemas[${i}].owner`, s.owner, 'role name', 'app');
    });
    const seen = this.schemas.map((s) => s.name).filter((n, i, a) => a.indexOf(n) !== i);
    if (seen.length > 0) this.errors.add('schemas', this.schemas.map((s) => s.name), `lists ${JSON.stringify(seen[0])} more than once`, 'list each schema once');
    (props.grants ?? []).forEach((g) => this.addGrant(g, 'grants'));

    this.cluster.attachments.addDatabase(this);
    const engine = this.cluster.engine;
    if (engine.capabilities.databases) engine.bindDatabase(this, this);
    else engineCannotRender(this.errors, this.cluster, engine, 'Database');
  }

  /** The grants of the database, in order. */
  public get grants(): Grant[] {
    return [...this.grantList];
  }

  /** Adds a grant inside this database. */
  public addGrant(grant: Grant, property = 'addGrant()'): void {
    libraryStateChanged();
    grant._check(this.errors, `${property}[${this.grantList.length}]`);
    this.grantList.push(grant);
    this.cluster.attachments.noteGrant();
  }

  private checkExtensions(): void {
    const major = this.cluster.intent.version.major;
    // Only CloudNativePG operand images (tags like 17.6-standard-trixie) have a known content.
    const flavour = cnpgImageFlavour(this.cluster.intent.imageName);
    const available = flavour ? imageExtensions(major, flavour) : undefined;
    const names = this.extensions.map((e) => e.name);
    this.extensions.forEach((ext, i) => {
      const prop = `extensions[${i}]`;
      if (typeof ext.name !== 'string' || !EXTENSION_NAME.test(ext.name)) {
        this.errors.add(`${prop}.name`, ext.name, 'is not an extension name (lower-case letters, digits, _ and -)', 'use the name of CREATE EXTENSION, e.g. "pg_trgm"');
        return;
      }
      if (names.indexOf(ext.name) !== i) this.errors.add(`${prop}.name`, ext.name, 'is listed more than once', 'list each extension once');
      if (ext.version !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(ext.version)) {
        this.errors.add(`${prop}.version`, ext.version, 'is not an extension version', 'give the version as the extension lists it, e.g. "1.6"');
      }
      if (ext.schema !== undefined) checkSqlIdentifier(this.errors, `${prop}.schema`, ext.schema, 'schema name', 'extensions');
      if (available && !available.includes(ext.name)) {
        const range = coreExtensionRange(ext.name);
        const why = range && (major < range[0] || major > range[1])
          ? `is part of PostgreSQL ${range[0]}${range[1] !== range[0] ? `-${range[1]}` : ''} only, not ${major}`
          : `is not in the ${flavour} image of PostgreSQL ${major} (${this.cluster.intent.imageName})`;
        this.errors.add(`${prop}.name`, ext.name, why,
          'remove it, or run an image that carries it (HaPostgres imageName) and declare the extension there');
      }
    });
  }

  private warnUndeclaredOwner(): void {
    const declared = new Set([this.cluster.ownerName, ...this.cluster.attachments.roles.map((r) => r.roleName)]);
    if (!declared.has(this.owner)) {
      SynthWarnings.addDuringValidation(this, `owner "${this.owner}" is neither the cluster's owner nor a DatabaseRole of cluster ${this.cluster.clusterName}: ` +
        'the database is created only once that role exists.');
    }
  }
}
