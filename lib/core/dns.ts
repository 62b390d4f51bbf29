import { ConfigErrors } from './config-error';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when `value` is an RFC 1123 DNS label of at most `maxLength` characters. */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS_LABEL.test(value);
}

/**
 * Checks a name that Kubernetes uses as (part of) a DNS label. `maxLength` leaves room
 * for the suffixes an engine appends (pods `-1`, PVCs `-1-wal`, services `-rw`).
 */
export function checkDnsLabel(errors: ConfigErrors, property: string, value: string, maxLength = 63): void {
  if (isDnsLabel(value, maxLength)) return;
  const suggestion = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, maxLength);
  errors.add(property, value,
    `is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`,
    suggestion ? `use a name such as ${JSON.stringify(suggestion)}` : 'choose a name like "orders-db"');
}
