import type { IDatabaseIntent, IDatabaseRoleIntent } from './cluster-engine';
import type { IConstruct } from 'constructs';

import type { Grant } from './grant';

/**
 * The declared roles, databases and grants of each cluster, registered by their
 * constructors, so engines render them together (Patroni: one SQL Job per cluster) and
 * checks see all of them. Type-only imports: no import cycle with the constructs.
 */
interface ClusterIntents {
  readonly roles: IDatabaseRoleIntent[];
  readonly databases: IDatabaseIntent[];
  /** Grants other constructs need (a publication's SELECT for its subscribers), per database. */
  readonly implicitGrants: Array<{ database: string; grant: Grant; reason: string }>;
  /** True once any grant (declared or implicit) exists. */
  hasGrants: boolean;
  /** Called once, when the first grant appears. */
  readonly onFirstGrant: Array<() => void>;
}

const INTENTS = new WeakMap<IConstruct, ClusterIntents>();

function intentsOf(cluster: IConstruct): ClusterIntents {
  let found = INTENTS.get(cluster);
  if (!found) {
    found = { roles: [], databases: [], implicitGrants: [], hasGrants: false, onFirstGrant: [] };
    INTENTS.set(cluster, found);
  }
  return found;
}

/** Called by DatabaseRole's constructor. */
export function registerRole(cluster: IConstruct, role: IDatabaseRoleIntent): void {
  intentsOf(cluster).roles.push(role);
}

/** Called by Database's constructor. */
export function registerDatabase(cluster: IConstruct, database: IDatabaseIntent): void {
  intentsOf(cluster).databases.push(database);
}

/** A grant that another construct needs in `database` of `cluster` (`reason` names it). */
export function registerImplicitGrant(cluster: IConstruct, database: string, grant: Grant, reason: string): void {
  intentsOf(cluster).implicitGrants.push({ database, grant, reason });
  noteGrant(cluster);
}

/** Called when a grant is added anywhere on `cluster` (Database.addGrant, implicit grants). */
export function noteGrant(cluster: IConstruct): void {
  const i = intentsOf(cluster);
  if (i.hasGrants) return;
  i.hasGrants = true;
  for (const fn of i.onFirstGrant.splice(0)) fn();
}

/** Runs `fn` once the cluster has a grant (now, if it already has one): engines render grant Jobs on demand. */
export function whenGrantsExist(cluster: IConstruct, fn: () => void): void {
  const i = intentsOf(cluster);
  if (i.hasGrants) fn();
  else i.onFirstGrant.push(fn);
}

/** The DatabaseRoles of `cluster`, in creation order. */
export function rolesOf(cluster: IConstruct): readonly IDatabaseRoleIntent[] {
  return INTENTS.get(cluster)?.roles ?? [];
}

/** The Databases of `cluster`, in creation order. */
export function databasesOf(cluster: IConstruct): readonly IDatabaseIntent[] {
  return INTENTS.get(cluster)?.databases ?? [];
}

/** Grants registered by other constructs, in creation order. */
export function implicitGrantsOf(cluster: IConstruct): ReadonlyArray<{ database: string; grant: Grant; reason: string }> {
  return INTENTS.get(cluster)?.implicitGrants ?? [];
}

/** Grants of each database of `cluster`: the declared ones, then those other constructs need (publications), in creation order. */
export function grantsByDatabase(cluster: IConstruct): Map<string, Grant[]> {
  const out = new Map<string, Grant[]>();
  const add = (db: string, g: Grant) => { if (!out.has(db)) out.set(db, []); out.get(db)!.push(g); };
  for (const db of databasesOf(cluster)) for (const g of db.grants) add(db.databaseName, g);
  for (const { database, grant } of implicitGrantsOf(cluster)) add(database, grant);
  return out;
}
