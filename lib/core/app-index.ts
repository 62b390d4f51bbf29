import { IConstruct } from 'constructs';

/** The current index of each app (a side table: nothing is stored on the user's App). */
const INDEXES = new WeakMap<IConstruct, AppIndex>();

/** Bumped whenever the library's state may have changed (see `libraryStateChanged`). */
let generation = 0;

/**
 * Records that state a validation reads may have changed (a construct of the library was
 * created, or an `add*()`, `allow*()` or `grant*()` method was called): the next
 * validation recomputes instead of reusing this synthesis's results.
 */
export function libraryStateChanged(): void {
  generation++;
}

/**
 * Adds `validate` to `scope`'s validations, computed at most once per synthesis.
 *
 * cdk8s validates the whole app once in `App.synth()` and again in every `chart.toJson()`
 * (`App._synthChart`), so with one chart per cluster every validation runs N + 1 times.
 * The result is kept until the AppIndex of the app is dropped: at the end of the current
 * synchronous run, or when the library's state changes (`libraryStateChanged`, which
 * registering a validation also counts as).
 */
export function addSynthValidation(scope: IConstruct, validate: () => string[]): void {
  generation++;
  const root = scope.node.root;
  let seen: AppIndex | undefined;
  let last: string[] = [];
  scope.node.addValidation({
    validate: () => {
      const index = AppIndex.ofRoot(root);
      if (index !== seen) {
        last = validate();
        seen = index;
      }
      return last;
    },
  });
}

/**
 * What validations need to know about the whole app, computed at most once per synthesis.
 *
 * cdk8s validates the whole app again for every chart it synthesizes (`App.synth()` →
 * `chart.toJson()` → validate the app), so a validation that walks the app or renders its
 * manifests costs O(charts × app) per synth: minutes at a thousand clusters. The index is
 * shared by all validations and dropped when the current synchronous run ends (next
 * microtask) or when the library's state changes (`libraryStateChanged`). Synthesis is
 * synchronous, so within one synth it never goes stale.
 */
export class AppIndex {
  /** The index of `scope`'s app, built on first use. */
  public static of(scope: IConstruct): AppIndex {
    return AppIndex.ofRoot(scope.node.root);
  }

  /** The index of the app whose root construct is `app`. @internal */
  public static ofRoot(app: IConstruct): AppIndex {
    let index = INDEXES.get(app);
    if (!index || index.generation !== generation) {
      const built = new AppIndex(app);
      INDEXES.set(app, built);
      queueMicrotask(() => { if (INDEXES.get(app) === built) INDEXES.delete(app); });
      index = built;
    }
    return index;
  }


  private allConstructs?: IConstruct[];
  private readonly memos = new WeakMap<object, Map<string, unknown>>();

  /** The library state this index was built for. */
  private readonly generation = generation;

  private constructor(private readonly root: IConstruct) {}

  /** Every construct of the app. */
  public constructs(): IConstruct[] {
    return (this.allConstructs ??= this.root.node.findAll());
  }

  /** `compute()` once per index for (`owner`, `purpose`). */
  public memo<T>(owner: object, purpose: string, compute: () => T): T {
    let forOwner = this.memos.get(owner);
    if (!forOwner) { forOwner = new Map(); this.memos.set(owner, forOwner); }
    if (!forOwner.has(purpose)) forOwner.set(purpose, compute());
    return forOwner.get(purpose) as T;
  }
}
