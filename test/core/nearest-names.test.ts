import { editDistance, nameCloseness, nearestNames } from '../../lib/core/nearest-names';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['server_lifetme', 'server_lifetime', 1],
    ['ab', 'ba', 1], // an adjacent transposition is one edit
    ['shared_bufefrs', 'shared_buffers', 1],
    ['ca', 'abc', 3], // optimal string alignment, not full Damerau-Levenshtein
  ])('%j → %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nameCloseness', () => {
  test('a typo scores its edit distance', () => {
    expect(nameCloseness('shared_buffer', 'shared_buffers')).toBe(1);
  });

  test('a whole word run of the candidate is close, after every typo', () => {
    const score = nameCloseness('connections', 'max_connections');
    expect(score).toBeGreaterThan(nameCloseness('connections', 'connectionz')!);
  });

  test('names sharing all words but one are close', () => {
    expect(nameCloseness('wal_keep_segments', 'wal_keep_size')).toBeDefined();
  });

  test('unrelated names are not close', () => {
    expect(nameCloseness('work_mem', 'max_connections')).toBeUndefined();
  });
});

describe('nearestNames', () => {
  const names = ['max_connections', 'shared_buffers', 'shared_preload_libraries', 'work_mem'];

  test('closest first, then alphabetical, at most max', () => {
    expect(nearestNames('shared_buffer', names)).toEqual(['shared_buffers']);
    expect(nearestNames('connections', names, { max: 1 })).toEqual(['max_connections']);
    expect(nearestNames('xyz', names)).toEqual([]);
    expect(nearestNames('work_mem', names, { max: 0 })).toEqual([]);
  });

  test('an equal candidate is kept: callers decide', () => {
    expect(nearestNames('work_mem', names)[0]).toBe('work_mem');
  });

  test('ties break alphabetically', () => {
    expect(nearestNames('ab', ['ac', 'aa', 'ab2'], { closeness: () => 1 })).toEqual(['aa', 'ab2', 'ac']);
  });

  test('a custom closeness replaces the default one', () => {
    const byLength = (input: string, candidate: string): number | undefined =>
      candidate.startsWith(input) ? candidate.length : undefined;
    expect(nearestNames('shared', names, { closeness: byLength })).toEqual(['shared_buffers', 'shared_preload_libraries']);
  });
});
