import { createHash } from 'crypto';

/** Eight hex digits of SHA-256 of `text`: a stable suffix that keeps shortened names apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `text` as part of a DNS label: lower case, other characters as '-', no leading, trailing or doubled '-'. */
export function labelSlug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * `name` when it has at most `max` characters, else its start and a hash of the whole
 * (`<start>-<8 hex digits>`), so two long names that share a start stay different.
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9).replace(/-+$/, '')}-${shortHash(name)}`;
}
