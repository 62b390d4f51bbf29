import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AppIndex } from './app-index';

const SESSION = Symbol.for('cdk8s-ha-postgres.synth-session');

/** Set to `1` to synthesize exactly as plain cdk8s does (no per-synth memo of rendered objects). */
export const PLAIN_SYNTH_ENV = 'HA_POSTGRES_PLAIN_SYNTH';

/** Work to run after a successful `app.synth()`, with the manifests it wrote. */
export type AfterSynthHook = (app: App, manifests: () => any[]) => void;

interface SessionState {
  readonly hooks: Map<string, AfterSynthHook>;
}

/**
 * One `app.synth()` as a unit of work: each object is rendered once.
 *
 * cdk8s's `App.synth()` validates the app and resolves its dependencies, then calls
 * `chart.toJson()` per chart, which validates and resolves the whole app again and
 * renders the chart's objects. Readiness warnings render every object once more, and the
 * topology diagrams a third time. With N charts that is N + 1 validations of the whole
 * app and three renders of every object (minutes at a thousand clusters).
 *
 * The first HaPostgres of an App wraps its `synth()` (and `synthYaml()`). During the wrapped call every
 * ApiObject of the app renders once (later `toJson()` calls return that render), and a
 * chart's `toJson()` returns its objects in dependency order without validating again:
 * the app was validated and its dependencies resolved at the start of this very
 * `synth()`. Afterwards everything is restored, so `chart.toJson()`, `Testing.synth()`
 * and a second `synth()` behave as before. The output is byte-identical to plain cdk8s
 * (tested); `HA_POSTGRES_PLAIN_SYNTH=1` turns the session off.
 */
export class SynthSession {
  /** Wraps the `synth()` of `scope`'s App (once per App; no-op outside an App). */
  public static install(scope: IConstruct): void {
    SynthSession.state(scope);
  }

  /**
   * Runs `hook` after each successful `synth()` of `scope`'s App (installing the
   * session). Only the first hook registered under `key` in an app is kept.
   */
  public static afterSynth(scope: IConstruct, key: string, hook: AfterSynthHook): void {
    const hooks = SynthSession.state(scope)?.hooks;
    if (hooks && !hooks.has(key)) hooks.set(key, hook);
  }

  private static state(scope: IConstruct): SessionState | undefined {
    const app = scope.node.root;
    if (!(app instanceof App)) return undefined;
    const existing = (app as any)[SESSION] as SessionState | undefined;
    if (existing) return existing;
    const state: SessionState = { hooks: new Map() };
    Object.defineProperty(app, SESSION, { value: state });
    const plainSynth = app.synth.bind(app);
    // The hooks run inside the session too: they read the objects this synth rendered.
    app.synth = () => inSession(app, () => {
      plainSynth();
      runHooks(app, state, () => renderAll(app));
    });
    // synthYaml() validates once and then renders chart by chart, like synth(): the same
    // session applies (no files are written, so no hooks run).
    const plainSynthYaml = app.synthYaml.bind(app);
    app.synthYaml = () => inSession(app, plainSynthYaml);
    return state;
  }
}

/** Runs `work` with every object of `app` rendered once (unless turned off), then restores them. */
function inSession<T>(app: App, work: () => T): T {
  // An index built before this synth (in the same tick) may miss objects added since.
  AppIndex.invalidate(app);
  if (process.env[PLAIN_SYNTH_ENV] === '1') return work();
  const restore = renderOnce(app);
  try {
    return work();
  } finally {
    restore();
  }
}

function runHooks(app: App, state: SessionState, manifests: () => any[]): void {
  let rendered: any[] | undefined;
  const once = () => (rendered ??= manifests());
  for (const hook of state.hooks.values()) hook(app, once);
}

/**
 * Every object of `scope`'s app, rendered in construct-tree order, without validating the
 * app (memoized during a session).
 */
export function renderAll(scope: IConstruct): any[] {
  return scope.node.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
}

/**
 * Memoizes `toJson()` of every ApiObject and short-cuts `toJson()` of every Chart of
 * `app` (instance properties shadowing the prototype's); returns the undo.
 */
function renderOnce(app: App): () => void {
  const patched: IConstruct[] = [];
  for (const c of app.node.findAll()) {
    if (c instanceof ApiObject) {
      const render = c.toJson;
      let json: any;
      let done = false;
      Object.defineProperty(c, 'toJson', {
        configurable: true,
        writable: true,
        value: () => {
          if (!done) { json = render.call(c); done = true; }
          return json;
        },
      });
      patched.push(c);
    } else if (Chart.isChart(c) && (c as Chart).toJson === Chart.prototype.toJson) {
      // A chart class with its own toJson() keeps it.
      const chart = c as Chart;
      Object.defineProperty(chart, 'toJson', {
        configurable: true,
        writable: true,
        // What App._synthChart returns, minus the repeated app-wide validation and
        // dependency resolution that App.synth() has just done.
        value: () => new DependencyGraph(chart.node).topology()
          .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
          .map((o) => o.toJson()),
      });
      patched.push(chart);
    }
  }
  return () => {
    for (const c of patched) delete (c as any).toJson;
  };
}
