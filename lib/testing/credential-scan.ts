/**
 * Finds values in manifests that look like literal credentials: password-like keys with
 * literal values, inline Secret data, private keys, AWS access keys, connection URIs
 * with a password. References (secretKeyRef, secretName, existingSecret…) are fine.
 */
const SECRET_KEY_NAME = /(password|passwd|secret|token|api_?key|private_?key|access_?key|credentials?)/i;
const REFERENCE_KEY = /(ref|name|secretname|key|keyid|file|path|secretkeyref|selector|arn|template)$/i;
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, 'a URI with a password'],
  [/\bpassword\s*=\s*[^\s;'"$]{3,}/i, 'a password= setting'],
];

export function literalCredentials(manifests: any[]): string[] {
  const found: string[] = [];
  for (const m of manifests) {
    const id = `${m?.kind}/${m?.metadata?.name}`;
    if (m?.kind === 'Secret' && (Object.keys(m.data ?? {}).length > 0 || Object.keys(m.stringData ?? {}).length > 0)) {
      found.push(`${id}: a Secret with inline data (reference an existing Secret or use an external secret store)`);
    }
    walk(m, '', (path, key, value) => {
      if (typeof value !== 'string' || value === '') return;
      for (const [re, what] of PATTERNS) if (re.test(value)) found.push(`${id} ${path}: ${what}`);
      if (SECRET_KEY_NAME.test(key) && !REFERENCE_KEY.test(key) && !/^\$\(|^\$\{/.test(value)) {
        found.push(`${id} ${path}: key "${key}" has a literal value`);
      }
    });
  }
  return found;
}

function walk(node: any, path: string, visit: (path: string, key: string, value: any) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      // env entries: {name: PGPASSWORD, value: "..."} is literal; valueFrom is a reference
      if (item && typeof item === 'object' && typeof item.name === 'string' && 'value' in item) {
        visit(`${path}[${i}].value`, item.name, item.value);
      }
      walk(item, `${path}[${i}]`, visit);
    });
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      const p = path ? `${path}.${k}` : k;
      visit(p, k, v);
      walk(v, p, visit);
    }
  }
}
