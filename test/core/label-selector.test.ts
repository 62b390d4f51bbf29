import { selectorMatches } from '../../lib/core/label-selector';
import { selects } from '../../lib/monitoring/readiness/pod-model';

const labels = { app: 'db', role: 'primary' };

describe('selectorMatches: Kubernetes label-selector semantics', () => {
  test.each([
    ['no selector', undefined, true],
    ['empty selector', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'db' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'web' } }, false],
    ['In', { matchExpressions: [{ key: 'role', operator: 'In', values: ['primary', 'replica'] }] }, true],
    ['In, key absent', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['In without values', { matchExpressions: [{ key: 'role', operator: 'In' }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['primary'] }] }, false],
    ['NotIn, key absent', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['labels AND expressions', { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['replica'] }] }, false],
    // Kubernetes rejects such an object, so it selects no pod: no match, no exception.
    ['unknown operator', { matchExpressions: [{ key: 'role', operator: 'Equals', values: ['primary'] }] }, false],
  ])('%s', (_name, selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
    expect(selects(selector, labels)).toBe(expected); // the readiness checklist's name for it
  });
});
