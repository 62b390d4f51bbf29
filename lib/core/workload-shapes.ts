import type { IConstruct } from 'constructs';

/*
 * What the library needs from the user's cdk8s-plus objects, and nothing more: structural
 * interfaces that the Deployments, Jobs, Pods, containers and ServiceAccounts of every
 * cdk8s-plus-2x/3x satisfy (tested with cdk8s-plus-28 and cdk8s-plus-33). Naming a
 * cdk8s-plus class here instead would bind users to that one cdk8s-plus package: its
 * classes have private members, so TypeScript refuses another cdk8s-plus's instances.
 */

/**
 * The value of an environment variable: cdk8s-plus's `EnvValue`, whose shape every
 * cdk8s-plus-2x/3x shares (a literal `value`, or `valueFrom` a Secret key, a ConfigMap key…).
 */
export interface EnvValueLike {
  /**
   * A literal value.
   *
   * @default - none: `valueFrom`
   */
  readonly value?: any;
  /**
   * Where the value comes from, in Kubernetes form (e.g. `{ secretKeyRef: { name, key } }`).
   *
   * @default - none: `value`
   */
  readonly valueFrom?: any;
}

/**
 * A container's environment, as the library adds variables to it: the `env` of a
 * cdk8s-plus `Container`.
 */
export interface IContainerEnvLike {
  /** Adds an environment variable. */
  addVariable(name: string, value: EnvValueLike): void;
}

/** A container the library adds environment variables to: a cdk8s-plus `Container` (e.g. `deployment.containers[0]`). */
export interface IContainerLike {
  /** The container's environment. */
  readonly env: IContainerEnvLike;
}

/** A Kubernetes label selector: a `matchLabels` map and `matchExpressions`, as cdk8s-plus renders them. */
export interface LabelSelectorTerms {
  /**
   * Labels a pod must all have.
   *
   * @default - none
   */
  readonly matchLabels?: { [key: string]: string };
  /**
   * Label expressions a pod must all satisfy.
   *
   * @default - none
   */
  readonly matchExpressions?: LabelSelectorExpression[];
}

/** One `matchExpressions` term of a label selector. */
export interface LabelSelectorExpression {
  /** The label key. */
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: string;
  /**
   * Values for `In` and `NotIn`.
   *
   * @default - none
   */
  readonly values?: string[];
}

/** The label selector of a cdk8s-plus workload: cdk8s-plus's `LabelSelector`. */
export interface ILabelSelectorLike {
  /**
   * The selector in Kubernetes form. cdk8s-plus marks it internal, but it is the only
   * way to read a workload's selector; every cdk8s-plus-2x/3x has it.
   *
   * @internal
   */
  _toKube(): LabelSelectorTerms;
}

/** The pods a cdk8s-plus workload selects: what its `toPodSelectorConfig()` returns. */
export interface PodSelectorConfigLike {
  /** Selects the workload's pods by labels. */
  readonly labelSelector: ILabelSelectorLike;
}

/**
 * Something that selects pods: a cdk8s-plus workload or pod (Deployment, StatefulSet,
 * DaemonSet, Job, Pod…) of any cdk8s-plus-2x/3x.
 */
export interface IPodSelectorLike extends IConstruct {
  /** The workload's pod selector. */
  toPodSelectorConfig(): PodSelectorConfigLike;
}

/** A Kubernetes ServiceAccount defined in a chart: a cdk8s-plus `ServiceAccount` (new or imported). */
export interface IServiceAccountLike extends IConstruct {
  /** The ServiceAccount's name. */
  readonly name: string;
}
