/** ClusterMonitoring ruleLabels are checked as Kubernetes label keys (prefix included) and values. */
import { ClusterMonitoring, HaPostgres } from '../../lib';
import { synth, synthError } from '../support/synth';

test('a ruleLabels key with an invalid prefix is refused', () => {
  const msg = synthError((c) => new ClusterMonitoring(c, 'monitoring', {
    cluster: new HaPostgres(c, 'orders'), topologyDiagram: false, ruleLabels: { 'Example.COM/team': 'db' },
  }));
  expect(msg).toMatch(/ruleLabels\.Example\.COM\/team = "db": the key is not a valid label key/);
});

test('prefixed keys and empty values are accepted', () => {
  expect(() => synth((c) => new ClusterMonitoring(c, 'monitoring', {
    cluster: new HaPostgres(c, 'orders'), topologyDiagram: false, ruleLabels: { 'example.com/team': 'db', 'release': '' },
  }))).not.toThrow();
});
