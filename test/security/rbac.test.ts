import { Chart, Testing } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { AppCredentials, HaPostgres, ManifestChecks } from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { synth } from '../support/synth';

describe('grantReadAppSecret', () => {
  test('a Role with get on exactly the app Secret, and a RoleBinding to the account', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'orders-db');
      db.grantReadAppSecret(new ServiceAccount(c, 'orders-api'));
    });
    expectValidManifests(ms);
    const role = ms.find((m) => m.kind === 'Role');
    expect(role.metadata).toMatchObject({ name: 'orders-db-app-secret-reader', namespace: 'db' });
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-db-app'], verbs: ['get'] }]);
    const binding = ms.find((m) => m.kind === 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-app-secret-reader' });
    const sa = ms.find((m) => m.kind === 'ServiceAccount');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'db' }]);
    expect(ManifestChecks.rbacLeastPrivilege(ms)).toEqual([]);
  });

  test('a referenced Secret, accounts by name and in another namespace: one Role, one binding each, no duplicates', () => {
    const app = Testing.app();
    const dbChart = new Chart(app, 'db', { namespace: 'db' });
    const apiChart = new Chart(app, 'api', { namespace: 'api' });
    const db = new HaPostgres(dbChart, 'orders-db', { credentials: AppCredentials.fromSecret('orders-owner') });
    const byName = ServiceAccount.fromServiceAccountName(dbChart, 'worker', 'worker');
    db.grantReadAppSecret(byName);
    db.grantReadAppSecret(byName);
    db.grantReadAppSecret(new ServiceAccount(apiChart, 'api-sa', { metadata: { name: 'api' } }));
    const ms = Testing.synth(dbChart);
    const roles = ms.filter((m) => m.kind === 'Role');
    expect(roles).toHaveLength(1);
    expect(roles[0].rules[0].resourceNames).toEqual(['orders-owner']);
    expect(ms.filter((m) => m.kind === 'RoleBinding').map((b) => b.subjects)).toEqual([
      [{ kind: 'ServiceAccount', name: 'worker', namespace: 'db' }],
      [{ kind: 'ServiceAccount', name: 'api', namespace: 'api' }],
    ]);
  });

  test('the default cluster and pool need no RBAC from the library (the operator owns its own)', () => {
    const ms = synth((c) => { new HaPostgres(c, 'db'); });
    expect(ms.filter((m) => /Role/.test(m.kind))).toEqual([]);
  });
});

describe('ManifestChecks.rbacLeastPrivilege', () => {
  const role = (rules: any[]) => ({ kind: 'Role', metadata: { name: 'r' }, rules });
  test.each([
    [[{ kind: 'ClusterRole', metadata: { name: 'c' }, rules: [] }], /ClusterRole\/c: cluster-wide RBAC/],
    [[role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])], /wildcard in resources/],
    [[role([{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])], /verb \*/],
    [[role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])], /secrets without resourceNames/],
    [[role([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get', 'list'] }])], /verb list on secrets/],
    [[role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }])], /verb escalate/],
  ])('%j is reported', (manifests, expected) => {
    expect(ManifestChecks.rbacLeastPrivilege(manifests).join('\n')).toMatch(expected);
  });
  test('a named get passes', () => {
    expect(ManifestChecks.rbacLeastPrivilege([role([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get'] }])])).toEqual([]);
  });
});
