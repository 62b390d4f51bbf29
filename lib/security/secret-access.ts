import { Chart } from 'cdk8s';
import { libraryStateChanged } from '../core/app-index';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IServiceAccountLike } from '../core/workload-shapes';

/**
 * Read access to exactly one Secret: a namespaced Role (child id `Role`) with `get` on that
 * Secret by `resourceNames` (never a wildcard, no `list`/`watch`, which would expose every
 * Secret of the namespace), and one RoleBinding per granted ServiceAccount.
 */
export class SecretReader extends Construct {
  private readonly granted: string[] = [];

  public constructor(scope: Construct, id: string, private readonly roleName: string, secretName: string) {
    super(scope, id);
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: roleName },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] }],
    });
  }

  /** Binds the Role to `serviceAccount` (once per account). */
  public grant(serviceAccount: IServiceAccountLike): void {
    libraryStateChanged();
    // A ServiceAccount subject needs its namespace; the account may live in another one.
    const namespace = Chart.of(serviceAccount).namespace ?? Chart.of(this).namespace;
    const key = `${namespace}/${serviceAccount.name}`;
    if (this.granted.includes(key)) return;
    this.granted.push(key);
    new k8s.KubeRoleBinding(this, `Binding${this.granted.length}`, {
      metadata: { name: `${this.roleName}-${this.granted.length}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.roleName },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
    });
  }
}
