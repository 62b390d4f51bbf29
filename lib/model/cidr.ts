import { isIP } from 'node:net';
import { ConfigErrors } from '../core/config-error';

/** True when `value` is an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `fd00::/8`). */
export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const family = isIP(address);
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Reports `value` unless it is a CIDR. */
export function checkCidr(errors: ConfigErrors, property: string, value: string): void {
  if (!isCidr(value)) {
    errors.add(property, value, 'is not a CIDR (an IP address, a slash and a prefix length)', 'give e.g. "10.0.0.0/16", or "203.0.113.10/32" for one address');
  }
}
