import { readdirSync, readFileSync, statSync } from 'fs';
import { extname, join } from 'path';
import { parseAllDocuments } from 'yaml';
import { CliError } from '../cli-error';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Files under `paths` (directories recursively, manifest extensions only), sorted. */
export function manifestFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError(`${p}: no such file or directory`, 2);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) visit(join(p, e), false);
    } else if (explicit || MANIFEST_EXTENSIONS.includes(extname(p))) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}

/**
 * Every Kubernetes object in the files: multi-document YAML, JSON, and `List` kinds
 * (as `kubectl get -o yaml` writes them) are flattened.
 */
export function readManifests(files: string[]): any[] {
  const objects: any[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new CliError(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, 2);
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      const items = value.kind?.endsWith?.('List') && Array.isArray(value.items) ? value.items : [value];
      for (const item of items) if (item && typeof item === 'object' && item.kind) objects.push(item);
    }
  }
  return objects;
}
