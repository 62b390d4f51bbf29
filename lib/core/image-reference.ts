/**
 * Container image references as CloudNativePG reads them (machinery `pkg/image/reference` and
 * `pkg/postgres/version`), to check `imageName` the way its webhook does (`validateImageName`).
 */

const DIGEST = /@sha256:([a-fA-F0-9]+)$/;
const TAG = /:([^/]+)$/;
const HOST = /^[^./:]+((\.[^./:]+)+(:[0-9]+)?|:[0-9]+)\//;

/** The tag and digest of an image reference (`reference.New`): an untagged reference without a digest is `latest`. */
export function imageTagAndDigest(image: string): { readonly tag: string; readonly digest: string; readonly tagGiven: boolean } {
  let name = image;
  if (!name.includes('/')) name = `docker.io/library/${name}`;
  else if (!HOST.test(name)) name = `docker.io/${name}`;
  let digest = '';
  const d = DIGEST.exec(name);
  if (d) {
    digest = d[1];
    name = name.slice(0, name.length - d[0].length);
  }
  const t = TAG.exec(name);
  const tag = t ? t[1] : digest === '' ? 'latest' : '';
  return { tag, digest, tagGiven: t !== null };
}

/**
 * The PostgreSQL version a tag starts with (`version.FromTag`: `18.4-standard-trixie` → 18.4,
 * `17` → 17.0), or undefined when CloudNativePG refuses it ("invalid version tag").
 */
export function postgresVersionOfTag(tag: string): { readonly major: number; readonly minor: number } | undefined {
  const m = /^(\d\.?)+/.exec(tag);
  if (!m) return undefined;
  const parts = m[0].split('.');
  if (!/^\d+$/.test(parts[0])) return undefined;
  const major = Number(parts[0]);
  let minor = 0;
  if (parts.length > 1) {
    if (!/^\d+$/.test(parts[1])) return undefined;
    minor = Number(parts[1]);
    if (minor >= 100) return undefined;
  }
  return { major, minor };
}

/** What CloudNativePG's webhook refuses about an image's tag, or undefined. */
export function cnpgImageTagProblem(image: string): string | undefined {
  const { tag, tagGiven } = imageTagAndDigest(image);
  if (tag === 'latest') {
    return `${tagGiven ? 'has the tag "latest"' : 'has no tag (so "latest")'}, which says nothing about the PostgreSQL version: CloudNativePG refuses it, as it cannot detect upgrades`;
  }
  if (tag === '') return 'has only a digest, no tag: CloudNativePG reads the PostgreSQL version from the tag and refuses a digest alone';
  if (!postgresVersionOfTag(tag)) return `has the tag "${tag}", which does not start with a PostgreSQL version (major[.minor], minor below 100): CloudNativePG refuses it`;
  return undefined;
}
