import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AppIndex, addSynthValidation } from './app-index';
import { apiGroup, isClusterScoped } from './cluster-scoped';
import { ConfigErrors } from './config-error';

/** How a library construct names its objects: the prop their names derive from, for messages. */
export interface ObjectNaming {
  /** The prop, as messages name it (`name`, `name (from the construct id)`, `cluster`). */
  readonly property: string;
  /** Its value. */
  readonly value: string;
  /** How to resolve a collision, when giving another `property` is not the way. */
  readonly fix?: string;
}

/** One object the app will apply: rendered by a construct, or created by an operator for one. */
interface Entry {
  readonly key: string;
  /** `Kind "namespace/name"` for messages. */
  readonly label: string;
  /** The library construct that renders it (or whose object makes the operator create it). */
  readonly owner?: IConstruct;
  /** Path of the construct that renders it. */
  readonly path: string;
  /** How the object comes about, when not rendered directly (`created by CloudNativePG for Cluster "orders"`). */
  readonly via?: string;
}

const NAMING = new WeakMap<IConstruct, ObjectNaming>();

/**
 * Registers a library construct for the synth-time check that no two objects of the app
 * share API group, kind, namespace and name (applied together, one would silently replace
 * the other). The check reads the app's objects through the library's validation hook
 * (`node.addValidation` with the per-synthesis AppIndex), once per synthesis; a collision
 * is reported on the construct that renders the later object, naming both constructs.
 */
export function checkUniqueObjects(construct: IConstruct, naming: ObjectNaming): void {
  NAMING.set(construct, naming);
  addSynthValidation(construct, () => collisionsOf(construct));
}

function collisionsOf(construct: IConstruct): string[] {
  const index = AppIndex.of(construct);
  const all = index.memo(index, 'object-collisions', () => findCollisions(index.constructs()));
  return all.get(construct) ?? [];
}

/** The nearest registered library construct at or above `c`. */
function ownerOf(c: IConstruct): IConstruct | undefined {
  const scopes = c.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) if (NAMING.has(scopes[i])) return scopes[i];
  return undefined;
}

function entry(apiVersion: string, kind: string, namespace: string | undefined, name: string, path: string, owner?: IConstruct, via?: string): Entry {
  const ns = isClusterScoped(apiVersion, kind) ? '' : namespace ?? 'default';
  return { key: `${apiGroup(apiVersion)}/${kind}/${ns}/${name}`, label: `${kind} "${ns ? `${ns}/` : ''}${name}"`, owner, path, via };
}

/**
 * Objects an operator creates for an object of the app, which a rendered object of the same
 * kind and name would fight over. CloudNativePG, for a Cluster: the Services `<cluster>-rw`,
 * `-ro` and `-r`, the ServiceAccount, Role and RoleBinding `<cluster>`, the Secrets
 * `<cluster>-ca`, `-server` and `-replication`, and unless `enablePDB` is false the
 * PodDisruptionBudgets `<cluster>-primary` and (3 instances or more) `<cluster>`; for a
 * Pooler: its Service, Deployment, ServiceAccount, Role and RoleBinding.
 */
function implied(o: ApiObject, namespace: string | undefined, path: string, owner: IConstruct | undefined): Entry[] {
  if (apiGroup(o.apiVersion) !== 'postgresql.cnpg.io') return [];
  const by = (what: string) => `created by CloudNativePG for ${what} "${o.name}"`;
  const make = (apiVersion: string, kind: string, name: string, what: string) => entry(apiVersion, kind, namespace, name, path, owner, by(what));
  const rbac = (what: string) => [make('v1', 'ServiceAccount', o.name, what),
    make('rbac.authorization.k8s.io/v1', 'Role', o.name, what), make('rbac.authorization.k8s.io/v1', 'RoleBinding', o.name, what)];
  if (o.kind === 'Cluster') {
    const spec = renderedSpec(o);
    const found = [
      ...['rw', 'ro', 'r'].map((suffix) => make('v1', 'Service', `${o.name}-${suffix}`, 'Cluster')),
      ...['ca', 'server', 'replication'].map((suffix) => make('v1', 'Secret', `${o.name}-${suffix}`, 'Cluster')),
      ...rbac('Cluster'),
    ];
    if (spec?.enablePDB !== false) {
      found.push(make('policy/v1', 'PodDisruptionBudget', `${o.name}-primary`, 'Cluster'));
      if ((spec?.instances ?? 1) >= 3) found.push(make('policy/v1', 'PodDisruptionBudget', o.name, 'Cluster'));
    }
    return found;
  }
  if (o.kind === 'Pooler') {
    return [make('v1', 'Service', o.name, 'Pooler'), make('apps/v1', 'Deployment', o.name, 'Pooler'), ...rbac('Pooler')];
  }
  return [];
}

/** The rendered spec of an object (memoized by the synth session), or undefined when it cannot render yet. */
function renderedSpec(o: ApiObject): any {
  try {
    return o.toJson()?.spec;
  } catch {
    return undefined; // an invalid configuration reports its own errors
  }
}

function findCollisions(constructs: IConstruct[]): Map<IConstruct, string[]> {
  const groups = new Map<string, Entry[]>();
  const add = (e: Entry): void => {
    const list = groups.get(e.key);
    if (list) list.push(e);
    else groups.set(e.key, [e]);
  };
  for (const c of constructs) {
    if (!(c instanceof ApiObject)) continue;
    const name = c.name;
    // Names still holding a token are resolved later; they cannot be compared here.
    if (typeof name !== 'string' || name.includes('${Token[')) continue;
    const namespace = c.metadata.namespace ?? Chart.of(c).namespace;
    const owner = ownerOf(c);
    add(entry(c.apiVersion, c.kind, namespace, name, c.node.path, owner));
    if (owner) for (const e of implied(c, namespace, c.node.path, owner)) add(e);
  }

  // Per reporting construct and the construct it collides with: the objects both apply.
  const pairs = new Map<IConstruct, Map<string, { other: string; otherOwner?: IConstruct; objects: string[] }>>();
  for (const entries of groups.values()) {
    if (entries.length < 2) continue;
    const first = entries[0];
    for (const other of entries.slice(1)) {
      if (!first.owner && !other.owner) continue; // neither is the library's
      const on = other.owner ?? (first.owner as IConstruct);
      const mine = on === other.owner ? other : first;
      const theirs = mine === other ? first : other;
      const otherName = theirs.owner && theirs.owner !== on ? theirs.owner.node.path : theirs.path;
      if (!pairs.has(on)) pairs.set(on, new Map());
      const byOther = pairs.get(on) as Map<string, { other: string; otherOwner?: IConstruct; objects: string[] }>;
      if (!byOther.has(otherName)) byOther.set(otherName, { other: otherName, otherOwner: theirs.owner !== on ? theirs.owner : undefined, objects: [] });
      const via = [...new Set([theirs.via, mine.via].filter((v) => v !== undefined))];
      (byOther.get(otherName) as { objects: string[] }).objects.push(`${mine.label}${via.length ? ` (${via.join('; ')})` : ''}`);
    }
  }

  const found = new Map<IConstruct, string[]>();
  for (const [on, byOther] of pairs) {
    const naming = NAMING.get(on) as ObjectNaming;
    const errors = new ConfigErrors();
    const prop = naming.property.replace(/ \(.*\)$/, '');
    for (const { other, otherOwner, objects } of byOther.values()) {
      const shown = objects.length <= 3 ? objects.join(', ') : `${objects.slice(0, 3).join(', ')} and ${objects.length - 3} more`;
      errors.add(naming.property, naming.value,
        `${other} and ${on.node.path} both apply ${shown}; applied together, one silently replaces the other`,
        naming.fix ?? (otherOwner ? `give ${otherOwner.node.path} or ${on.node.path} another ${prop}` : `give ${on.node.path} another ${prop}, or rename ${other}`));
    }
    found.set(on, errors.messages);
  }
  return found;
}
