import { ConfigErrors } from './config-error';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
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
