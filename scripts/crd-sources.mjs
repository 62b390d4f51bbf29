// Resolves the CRD sources listed in cdk8s.yaml (`crdSources`) to local files.
// A URL is served from a local mirror when one holds a file of the same name
// (CRD_MIRROR, default ../shared/crds); otherwise it is downloaded.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function mirrorDir() {
  return resolve(projectRoot, process.env.CRD_MIRROR ?? '../shared/crds');
}

function indexMirror(dir) {
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

/** Returns the text of one CRD source URL, from the mirror or the network. */
export async function readCrd(url) {
  const local = indexMirror(mirrorDir()).get(basename(new URL(url).pathname));
  if (local) return readFileSync(local, 'utf8');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot download ${url}: HTTP ${res.status}`);
  return res.text();
}
