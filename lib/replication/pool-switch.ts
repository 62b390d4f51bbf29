import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { SynthWarnings } from '../core/synth-warnings';
import type { PgBouncerPool } from '../pooler/pgbouncer-pool';

/** Which pool a PoolSwitch sends applications to. */
export enum PoolSwitchSide {
  /** The source (old) cluster's pool. */
  SOURCE = 'source',
  /** The target (new) cluster's pool. */
  TARGET = 'target',
}

/** A stable address for applications in front of two pools (blue/green). */
export interface PoolSwitchProps {
  /**
   * Name of the Service applications connect to (their host name). It must not be the
   * name of either pool's own Service.
   */
  readonly serviceName: string;

  /** The pool of the source cluster. */
  readonly source: PgBouncerPool;

  /** The pool of the target cluster (same type and namespace). */
  readonly target: PgBouncerPool;

  /**
   * The pool the Service selects. Flip to TARGET and apply the manifests at cutover
   * (`ha-postgres upgrade cutover --switch-command`).
   *
   * @default PoolSwitchSide.SOURCE
   */
  readonly serve?: PoolSwitchSide;
}

/**
 * The pools' switch of a blue/green upgrade: one Service, the applications' host, whose
 * selector picks the pooler pods of the source's or the target's PgBouncerPool. Changing
 * `serve` and applying the Service repoints new connections at once (CloudNativePG's Pooler
 * cannot be pointed at another cluster: its cluster reference is immutable); connections
 * already open to the source's pooler end when the cutover terminates the source's sessions
 * or the source's pooler pods restart.
 */
export class PoolSwitch extends Construct {
  public readonly serviceName: string;
  public readonly source: PgBouncerPool;
  public readonly target: PgBouncerPool;
  public readonly serve: PoolSwitchSide;
  /** Port of the Service (the pools' port). */
  public readonly port: number;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: PoolSwitchProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.serviceName = props.serviceName;
    this.source = props.source;
    this.target = props.target;
    this.serve = props.serve ?? PoolSwitchSide.SOURCE;
    this.port = props.source.port;
    addSynthValidation(this, () => [...this.errors.messages, ...this.lateErrors()]);

    checkDnsLabel(this.errors, 'serviceName', this.serviceName, 63);
    if ([this.source.serviceName, this.target.serviceName].includes(this.serviceName)) {
      this.errors.add('serviceName', this.serviceName, 'is the Service of one of the pools, which the pool\'s engine owns',
        `choose the name applications use, e.g. "${this.source.cluster.clusterName}-db"`);
    }
    if (this.source === this.target) this.errors.add('target', this.target.poolName, 'is the source pool itself', 'give the pool of the target cluster');
    if (this.source.type !== this.target.type) {
      this.errors.add('target', this.target.poolName, `is a ${this.target.type} pool but the source pool is ${this.source.type}: the switch would change what applications may do`,
        'switch between pools of the same type');
    }
    if (this.source.port !== this.target.port) {
      this.errors.add('target', this.target.poolName, `listens on ${this.target.port}, the source pool on ${this.source.port}`, 'use pools of engines with the same pooler port');
    }
    if (!Object.values(PoolSwitchSide).includes(this.serve)) {
      this.errors.add('serve', this.serve, 'is not a side', 'use PoolSwitchSide.SOURCE or PoolSwitchSide.TARGET');
    }

    const active = this.activePool;
    const profile = active.cluster.engine.networkProfile();
    if (!profile) {
      this.errors.add('serve', this.serve, `the engine ${active.cluster.engine.name} does not describe its pooler pods`, 'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...)');
      return;
    }
    new k8s.KubeService(this, 'Resource', {
      metadata: {
        name: this.serviceName,
        labels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/component': 'pool-switch', 'ha-postgres.io/serving': active.cluster.clusterName },
      },
      spec: {
        type: 'ClusterIP',
        selector: profile.poolerPodLabels(active.poolName),
        ports: [{ name: 'postgres', port: this.port, targetPort: k8s.IntOrString.fromString('pgbouncer'), protocol: 'TCP' }],
      },
    });
  }

  /** The pool the Service selects now. */
  public get activePool(): PgBouncerPool {
    return this.serve === PoolSwitchSide.TARGET ? this.target : this.source;
  }

  private lateErrors(): string[] {
    const e = new ConfigErrors();
    const ns = (c: Construct) => Chart.of(c).namespace;
    if (ns(this) !== ns(this.source) || ns(this) !== ns(this.target)) {
      e.add('target', this.target.poolName, 'a Service selects pods of its own namespace only; the switch and both pools must share one',
        'declare the PoolSwitch and both pools in the same chart namespace');
    }
    const peers = (p: PgBouncerPool) => new Set(p.connections.allowedPeers.map((x) => x.description));
    const missing = [...peers(this.source)].filter((d) => !peers(this.target).has(d));
    if (missing.length > 0) {
      SynthWarnings.addDuringValidation(this, `the target pool ${this.target.poolName} does not let in ${missing.join(', ')}, which the source pool does: ` +
        'after the switch those clients would be refused. Call target.connections.allowFrom() with the same peers.');
    }
    return e.messages;
  }
}
