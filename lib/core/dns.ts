import { ConfigErrors } from './config-error';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// RFC 1123 subdomain: dot-separated DNS labels (so `a..b` and `a.-b` are not one).
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IMAGE_REFERENCE = /^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?(@sha256:[a-f0-9]{64})?$/;

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

/**
 * True when `value` is an RFC 1035 DNS label of at most `maxLength` characters: an RFC 1123
 * label that starts with a letter. Kubernetes requires it of Service names, and CloudNativePG
 * of Cluster names (`validateName`: `IsDNS1035Label`), because the Services carry them.
 */
export function isDns1035Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS_1035_LABEL.test(value);
}

/**
 * A DNS-1035 label close to `value`: lower case, other characters as '-', and leading
 * segments that start with a digit moved to the end (`2024-orders` → `orders-2024`).
 */
export function suggestDns1035Label(value: string, maxLength = 63): string {
  const segments = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').split('-').filter((s) => s !== '');
  const first = segments.findIndex((s) => /^[a-z]/.test(s));
  const ordered = first < 0 ? ['pg', ...segments] : [...segments.slice(first), ...segments.slice(0, first)];
  return ordered.join('-').slice(0, maxLength).replace(/-+$/, '');
}

/**
 * Checks a name that becomes (part of) a Service name, so must be a DNS-1035 label.
 * `maxLength` leaves room for the suffixes an engine appends.
 */
export function checkDns1035Label(errors: ConfigErrors, property: string, value: string, maxLength = 63): void {
  if (isDns1035Label(value, maxLength)) return;
  errors.add(property, value,
    `is not a DNS label of the form Service names need (RFC 1035: a lower-case letter first, then lower-case letters, digits and '-', ` +
    `ending with a letter or digit, at most ${maxLength} characters); CloudNativePG refuses other Cluster names`,
    `use a name such as ${JSON.stringify(suggestDns1035Label(value, maxLength) || 'orders-db')}`);
}

/**
 * True when `value` is an RFC 1123 DNS subdomain (at most 253 characters), the form of
 * most Kubernetes object names (Secrets, StorageClasses, ConfigMaps).
 */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Checks an object name that must be a DNS subdomain; `problem` and `fix` word the error. */
export function checkDnsSubdomain(errors: ConfigErrors, property: string, value: string, fix: string,
  problem = 'is not a valid Kubernetes object name'): void {
  if (!isDnsSubdomain(value)) errors.add(property, value, problem, fix);
}

/** True when `image` looks like a container image reference (`registry/repository[:tag][@sha256:digest]`). */
export function isImageReference(image: string): boolean {
  return IMAGE_REFERENCE.test(image) && !image.includes('//');
}

/** Checks a container image reference; `example` is a valid reference for the fix. */
export function checkImageReference(errors: ConfigErrors, property: string, image: string, example: string): boolean {
  if (isImageReference(image)) return true;
  errors.add(property, image, 'is not a valid container image reference', `give e.g. ${JSON.stringify(example)}`);
  return false;
}

/** True when `image` is pinned to a tag other than `latest`, or to a digest. */
export function isPinnedImage(image: string): boolean {
  return !/(:latest|^[^:@]+)$/.test(image);
}
