import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

const INDEX = Symbol.for('cdk8s-ha-postgres.app-index');

/**
 * What validations need to know about the whole app, computed at most once per synthesis.
 *
 * cdk8s validates the whole app again for every chart it synthesizes (`App.synth()` →
 * `chart.toJson()` → validate the app), so a validation that walks the app or renders its
 * manifests costs O(charts × app) per synth: minutes at a thousand clusters. The index is
 * shared by all validations and dropped when the current synchronous run ends (next
 * microtask) or when one of this library's constructs is created. Synthesis is
 * synchronous, so within one synth it never goes stale.
 */
export class AppIndex {
  /** The index of `scope`'s app, built on first use. */
  public static of(scope: IConstruct): AppIndex {
    const root = scope.node.root as any;
    let index: AppIndex | undefined = root[INDEX];
    if (!index) {
      index = new AppIndex(scope.node.root);
      Object.defineProperty(root, INDEX, { value: index, configurable: true, writable: true });
      const built = index;
      queueMicrotask(() => { if (root[INDEX] === built) root[INDEX] = undefined; });
    }
    return index;
  }

  /** Drops the index of `scope`'s app (the construct tree changed). */
  public static invalidate(scope: IConstruct): void {
    const root = scope.node.root as any;
    if (root[INDEX]) root[INDEX] = undefined;
  }

  private allConstructs?: IConstruct[];
  private byNamespace?: Map<string, any[]>;
  private readonly memos = new WeakMap<object, Map<string, unknown>>();

  private constructor(private readonly root: IConstruct) {}

  /** Every construct of the app. */
  public constructs(): IConstruct[] {
    return (this.allConstructs ??= this.root.node.findAll());
  }

  /** The rendered manifests in `namespace` (objects without one count as the chart's namespace, else `default`). */
  public manifestsIn(namespace: string): any[] {
    if (!this.byNamespace) {
      const groups = new Map<string, any[]>();
      for (const c of this.constructs()) {
        if (!(c instanceof ApiObject)) continue;
        const ns = c.metadata.namespace ?? Chart.of(c).namespace ?? 'default';
        if (!groups.has(ns)) groups.set(ns, []);
        (groups.get(ns) as any[]).push(c.toJson());
      }
      this.byNamespace = groups;
    }
    return this.byNamespace.get(namespace) ?? [];
  }

  /** `compute()` once per index for (`owner`, `purpose`). */
  public memo<T>(owner: object, purpose: string, compute: () => T): T {
    let forOwner = this.memos.get(owner);
    if (!forOwner) { forOwner = new Map(); this.memos.set(owner, forOwner); }
    if (!forOwner.has(purpose)) forOwner.set(purpose, compute());
    return forOwner.get(purpose) as T;
  }
}
