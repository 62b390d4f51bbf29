import { formatBytes, parseKubernetesQuantity, parsePostgresSize } from '../../lib/core/quantity';

const GI = 2 ** 30;

describe('parseKubernetesQuantity', () => {
  test.each<[unknown, number | undefined]>([
    ['10Gi', 10 * GI],
    ['1.5Ti', 1.5 * 2 ** 40],
    ['512Mi', 512 * 2 ** 20],
    ['100G', 100e9],
    ['500M', 500e6],
    ['1e9', 1e9],
    ['1E3', 1000],
    ['.5Gi', 0.5 * GI],
    ['100', 100],
    [100, 100],
    ['250m', 0.25],
    ['10GB', undefined], // not a Kubernetes suffix
    ['10gi', undefined],
    ['Gi', undefined],
    ['', undefined],
    [true, undefined],
    [undefined, undefined],
  ])('%j → %j', (text, bytes) => {
    expect(parseKubernetesQuantity(text)).toBe(bytes);
  });
});

describe('parsePostgresSize', () => {
  test.each<[unknown, string, number | undefined]>([
    ['8GB', 'MB', 8 * GI],
    ['8 GB', 'MB', 8 * GI],
    ['512MB', 'MB', 512 * 2 ** 20],
    ['1.5GB', 'MB', 1.5 * GI],
    ['1024', 'MB', GI], // a bare number is in the setting's unit
    [2048, 'MB', 2 * GI],
    ['64kB', 'MB', 64 * 1024],
    ['1TB', 'MB', 2 ** 40],
    ['-1', 'MB', -1],
    ['8gb', 'MB', undefined], // PostgreSQL units are case-sensitive
    ['8Gi', 'MB', undefined],
    ['lots', 'MB', undefined],
  ])('%j (default unit %s) → %j', (value, unit, bytes) => {
    expect(parsePostgresSize(value, unit as any)).toBe(bytes);
  });
});

test('formatBytes', () => {
  expect(formatBytes(30 * GI)).toBe('30Gi');
  expect(formatBytes(1.5 * GI)).toBe('1.5Gi');
  expect(formatBytes(512 * 2 ** 20)).toBe('512Mi');
  expect(formatBytes(100)).toBe('100B');
});
