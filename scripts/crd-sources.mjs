// The CRDs the library renders or validates are vendored in crds/ (one folder per
// upstream project, each with a SOURCE.md naming version, tag, commit, sha256 and URL).
// cdk8s.yaml `crdSources` lists the upstream URL of each file, by API group; a URL maps
// to the vendored file of the same basename. Tests and `npm run import` read only the
// vendored files; `npm run import -- --refresh` downloads the URLs into crds/ first.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The vendored CRD folder (crds/ in the repository). */
export function vendorDir() {
  return join(projectRoot, 'crds');
}

/** basename -> path of every vendored CRD file. */
export function vendorIndex(dir = vendorDir()) {
  const index = new Map();
  if (!existsSync(dir)) return index;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml')) index.set(name, p);
    }
  };
  walk(dir);
  return index;
}

/** @returns {Record<string, string[]>} API group -> CRD URLs */
export function crdSources() {
  const config = parse(readFileSync(join(projectRoot, 'cdk8s.yaml'), 'utf8'));
  return config.crdSources ?? {};
}

/** The vendored path of one CRD source URL (whether or not the file exists yet). */
export function vendoredPath(url, group) {
  const name = basename(new URL(url).pathname);
  return vendorIndex().get(name) ?? join(vendorDir(), group, name);
}

/** Returns the text of one CRD source URL from its vendored copy; never downloads. */
export function readCrd(url, group) {
  const path = vendoredPath(url, group);
  if (!existsSync(path)) {
    throw new Error(`CRD ${url} is not vendored (expected ${path}); run: npm run import -- --refresh`);
  }
  return readFileSync(path, 'utf8');
}
