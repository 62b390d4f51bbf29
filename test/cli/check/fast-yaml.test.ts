/**
 * The fast reader of plain block YAML (lib/cli/check/fast-yaml.ts) gives exactly what the
 * `yaml` package gives with the options `ha-postgres check` uses, or declines.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseDocument, stringify } from 'yaml';
import { parseBlockYaml, splitDocuments } from '../../../lib/cli/check/fast-yaml';
import { SCALAR_OPTIONS, schemaTags, YAML_OPTIONS } from '../../../lib/cli/check/read-manifests';

const slow = (text: string) => {
  const doc = parseDocument(text, YAML_OPTIONS);
  return doc.errors.length > 0 ? { error: doc.errors[0].message } : { value: doc.toJS() ?? null };
};
const fast = (text: string) => parseBlockYaml(text, schemaTags(), SCALAR_OPTIONS);

/** Fast and slow agree whenever the fast path takes the document. */
function agree(text: string): boolean {
  const f = fast(text);
  if (f === undefined) return false;
  expect({ text, value: f.value }).toEqual({ text, ...slow(text) });
  return true;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

test('every document of the fixtures (CloudNativePG samples, check fixtures): same value, and most take the fast path', () => {
  const files = walk(join(__dirname, '../../fixtures')).concat(walk(join(__dirname, 'fixtures'))).filter((f) => /\.ya?ml$/.test(f));
  let fastDocs = 0;
  let all = 0;
  for (const f of files) {
    for (const part of splitDocuments(readFileSync(f, 'utf8')) ?? []) {
      all++;
      if (agree(part.text)) fastDocs++;
    }
  }
  expect(all).toBeGreaterThan(100);
  expect(fastDocs / all).toBeGreaterThan(0.6);
});

test.each<[string, string]>([
  ['YAML 1.1 booleans', 'a: yes\nb: no\nc: on\nd: off\ne: y\nf: N\ng: True\nh: FALSE\n'],
  ['YAML 1.1 numbers', 'a: 010\nb: 0x1F\nc: 0b101\nd: 1e3\ne: .inf\nf: -.5\ng: 1_000\nh: +12\ni: 0o17\n'],
  ['nulls', 'a: ~\nb: null\nc:\nd: Null\n'],
  ['timestamps stay strings', 'a: 2023-08-11 11:14:21\nb: 2001-12-14t21:59:43.10-05:00\nc: 1:20\n'],
  ['quoted scalars', 'a: "x: y # z"\nb: \'it\'\'s\'\nc: "tab\\there\\u00e9\\x41"\nd: ""\ne: \'\'\nf: "1"   # comment\n'],
  ['keys', 'yes: a\n"quoted key": b\n\'single\': c\n1: d\napp.kubernetes.io/name: e\ncnpg.io/cluster: f\n'],
  ['comments and blank lines', '# top\na: 1 # trailing\n\n  # indented comment\nb:   # empty\nc: x#not-a-comment\n'],
  ['indentless and nested sequences', 'a:\n- x\n- y: 1\n  z: 2\n-\n  - deep\nb:\n  - - 1\n    - 2\n  - 3\n'],
  ['CRLF and a BOM', '\ufeffa: 1\r\nb:\r\n  c: d\r\n'],
  ['a root scalar', 'just text\n'],
  ['a root sequence', '- 1\n- two\n'],
  ['an indented root mapping', '  a: 1\n  b: 2\n'],
  ['URLs and colons without spaces', 'a: s3://bucket/path\nb: http://minio:9000\nc: "ANY 1 (*)"\nd: a:b\n'],
])('%s', (_name, text) => {
  expect(agree(text)).toBe(true);
});

test.each<[string, string]>([
  ['flow collections', 'a: [1, 2]\n'],
  ['flow maps', 'a: {b: 1}\n'],
  ['block scalars', 'a: |\n  text\n'],
  ['anchors and aliases', 'a: &x 1\nb: *x\n'],
  ['merge keys', 'a: &x {b: 1}\nc:\n  <<: *x\n'],
  ['tags', 'a: !!str 1\n'],
  ['multi-line plain scalars', 'a: one\n  two\n'],
  ['multi-line quoted scalars', 'a: "one\n  two"\n'],
  ['tabs in indentation', 'a:\n\tb: 1\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['keys that resolve to the same string', 'yes: 1\ntrue: 2\n'],
  ['a nested mapping on one line', 'a: b: c\n'],
  ['complex keys', '? a\n: b\n'],
  ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
  ['a comment glued to a quoted value', 'a: "b"#c\n'],
  ['the __proto__ key', '__proto__: 1\n'],
  ['an unrendered template', 'name: {{ .Values.name }}\n'],
])('declines %s (the yaml package reads them)', (_name, text) => {
  expect(fast(text)).toBeUndefined();
});

test('documents split at --- and ... lines, with their first line; directives go to the yaml package', () => {
  expect(splitDocuments('a: 1\n---\nb: 2\n...\n--- # c\nc: 3\n')).toEqual([
    { text: 'a: 1', firstLine: 1 }, { text: 'b: 2', firstLine: 3 }, { text: '', firstLine: 5 }, { text: 'c: 3\n', firstLine: 6 },
  ]);
  expect(splitDocuments('%YAML 1.1\n---\na: 1\n')).toBeUndefined();
  expect(splitDocuments('--- a: 1\n')).toBeUndefined();
  expect(splitDocuments('---\na: 1\n')).toEqual([{ text: 'a: 1\n', firstLine: 2 }]);
});

describe('property: block YAML written by the yaml package reads the same', () => {
  const scalar = fc.oneof(
    fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
    fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'n', '010', '0x1f', '1e3', '~', '', ' ', 'a: b', '#x', '- x', '"q"', '\'s\'', 'http://x:1', '2020-01-01', '12:30'),
  );
  const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('yes', 'on', '1', 'cnpg.io/cluster', 'a b', 'x:y', '"k"', '#k', '-k'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  })).node;

  test('stringified with block style and YAML 1.1 scalars', () => {
    let taken = 0;
    fc.assert(fc.property(value, fc.boolean(), (v, indentSeq) => {
      const text = stringify(v, { version: '1.1', collectionStyle: 'block', indentSeq, lineWidth: 0 });
      if (agree(text)) taken++;
    }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) });
    expect(taken).toBeGreaterThan(0);
  });

  test('lines assembled at random (indents, items, keys, scalars, comments): never a different value, never accepted where the yaml package fails', () => {
    const piece = fc.constantFrom('a:', 'b: 1', 'c: yes', '- x', '- d: 2', '-', '- - y', '# c', '', 'e: "q # r"', 'f: \'s\'\'t\'', 'g: x # y', 'h: a:b', 'i: 0755',
      'j', 'k: :', 'l: -', '"m": 3', 'n: ~', 'o:   ', '- p:', 'q: "unterminated', 'r: \'x\' y', 's: a #b', 'yes: 1', 't: @x', 'u: `x`', 'v: %x', 'w: x%');
    const line = fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 6), piece).map(([n, p]) => ' '.repeat(n) + p);
    let taken = 0;
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      const text = lines.join('\n') + '\n';
      const f = fast(text);
      if (f === undefined) return;
      taken++;
      expect({ text, value: f.value }).toEqual({ text, ...slow(text) });
    }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) * 3 });
    expect(taken).toBeGreaterThan(0);
  });
});
