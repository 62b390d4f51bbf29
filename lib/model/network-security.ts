import { ConfigErrors } from '../core/config-error';
import { isDnsLabel } from '../core/dns';
import { checkCidr } from './cidr';

/** Where the cluster's infrastructure lives, for its NetworkPolicies. */
export interface NetworkSecurityProps {
  /**
   * Render NetworkPolicies (default deny for the cluster's and its pools' pods, plus
   * the allow rules of the security model). Switch off only when another tool owns
   * NetworkPolicies for the namespace.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Namespace of the operator (and of the Barman Cloud plugin), allowed to reach the
   * instances' PostgreSQL and status ports.
   *
   * @default 'cnpg-system'
   */
  readonly operatorNamespace?: string;

  /**
   * Namespace of Prometheus, the only one allowed to scrape the metrics ports.
   *
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;

  /**
   * Where the Kubernetes API server is, for the egress rule (TCP 443 and 6443) of
   * instances and poolers. The API server's address is not knowable at synth time, so
   * the default allows those two ports to any address; narrow it to your control
   * plane's CIDR when you know it.
   *
   * @default '0.0.0.0/0'
   */
  readonly kubernetesApiCidr?: string;
}

/** NetworkSecurityProps with every default applied. */
export interface ResolvedNetworkSecurity {
  readonly enabled: boolean;
  readonly operatorNamespace: string;
  readonly monitoringNamespace: string;
  readonly kubernetesApiCidr: string;
}

/** Applies the defaults and checks the names and the CIDR. */
export function resolveNetworkSecurity(props: NetworkSecurityProps | undefined, errors: ConfigErrors, property = 'network'): ResolvedNetworkSecurity {
  const resolved = {
    enabled: props?.enabled ?? true,
    operatorNamespace: props?.operatorNamespace ?? 'cnpg-system',
    monitoringNamespace: props?.monitoringNamespace ?? 'monitoring',
    kubernetesApiCidr: props?.kubernetesApiCidr ?? '0.0.0.0/0',
  };
  for (const key of ['operatorNamespace', 'monitoringNamespace'] as const) {
    if (!isDnsLabel(resolved[key])) {
      errors.add(`${property}.${key}`, resolved[key], 'is not a namespace name (a DNS label: lower-case letters, digits and \'-\')', `give the namespace as kubectl shows it, e.g. "${key === 'operatorNamespace' ? 'cnpg-system' : 'monitoring'}"`);
    }
  }
  checkCidr(errors, `${property}.kubernetesApiCidr`, resolved.kubernetesApiCidr);
  return resolved;
}
