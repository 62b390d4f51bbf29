import { isDnsSubdomain } from './dns';

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * True when `key` is a Kubernetes label key: an optional DNS-subdomain prefix and `/`,
 * then a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a
 * letter or digit.
 */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || isDnsSubdomain(prefix));
}

/** True when `value` is a Kubernetes label value (empty, or at most 63 characters of a label name's form). */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value));
}
