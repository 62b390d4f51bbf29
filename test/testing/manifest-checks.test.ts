import { ManifestChecks } from '../../lib';

const restrictedPod = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'app', image: 'app:1',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  }],
  volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c' } }],
};
const deployment = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } });
const clone = (x: any) => JSON.parse(JSON.stringify(x));

describe('ManifestChecks.podSecurityRestricted', () => {
  test('a compliant pod template passes, in every workload kind', () => {
    expect(ManifestChecks.podSecurityRestricted([
      deployment(restrictedPod),
      { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: restrictedPod } } } } },
      { kind: 'Pod', metadata: { name: 'p' }, spec: restrictedPod },
    ])).toEqual([]);
  });

  const cases: Array<[string, (s: any) => void, RegExp]> = [
    ['privilege escalation allowed', (s) => { s.containers[0].securityContext.allowPrivilegeEscalation = true; }, /allowPrivilegeEscalation must be false/],
    ['capabilities not dropped', (s) => { s.containers[0].securityContext.capabilities = {}; }, /must drop ALL/],
    ['a capability added', (s) => { s.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; }, /capability NET_ADMIN/],
    ['runAsNonRoot missing', (s) => { delete s.securityContext.runAsNonRoot; }, /runAsNonRoot must be true/],
    ['root user', (s) => { s.containers[0].securityContext.runAsUser = 0; }, /runAsUser must not be 0/],
    ['no seccomp profile', (s) => { delete s.securityContext.seccompProfile; }, /seccompProfile must be RuntimeDefault/],
    ['unconfined seccomp', (s) => { s.securityContext.seccompProfile.type = 'Unconfined'; }, /Unconfined is not allowed/],
    ['hostPath volume', (s) => { s.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, /volume type hostPath/],
    ['privileged', (s) => { s.containers[0].securityContext.privileged = true; }, /privileged is not allowed/],
    ['host network', (s) => { s.hostNetwork = true; }, /host namespaces/],
    ['host port', (s) => { s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }, /hostPort 80/],
    ['unsafe sysctl', (s) => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, /sysctl kernel\.msgmax/],
  ];
  test.each(cases)('%s is reported', (_name, mutate, expected) => {
    const spec = clone(restrictedPod);
    mutate(spec);
    const findings = ManifestChecks.podSecurityRestricted([deployment(spec)]);
    expect(findings.join('\n')).toMatch(expected);
    expect(findings.every((f) => f.startsWith('Deployment/d spec.template.spec: '))).toBe(true);
  });

  test('a CloudNativePG Pooler template is checked (the operator merges it into its pod)', () => {
    const pooler = (spec: any) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'pool' }, spec: { template: { spec } } });
    expect(ManifestChecks.podSecurityRestricted([pooler(restrictedPod)])).toEqual([]);
    const spec = clone(restrictedPod);
    delete spec.securityContext;
    expect(ManifestChecks.podSecurityRestricted([pooler(spec)]).join('\n')).toMatch(/^Pooler\/pool spec\.template\.spec: containers\[app\]: runAsNonRoot must be true/m);
  });

  test('writableRootFilesystems names containers without a read-only root filesystem', () => {
    expect(ManifestChecks.writableRootFilesystems([deployment(restrictedPod)])).toEqual([]);
    const spec = clone(restrictedPod);
    delete spec.containers[0].securityContext.readOnlyRootFilesystem;
    expect(ManifestChecks.writableRootFilesystems([deployment(spec)])).toEqual([
      'Deployment/d spec.template.spec: containers[app]: root filesystem is writable (set readOnlyRootFilesystem: true)',
    ]);
  });

  test('an init container is checked too', () => {
    const spec = clone(restrictedPod);
    spec.initContainers = [{ name: 'init', image: 'x' }];
    expect(ManifestChecks.podSecurityRestricted([deployment(spec)]).join('\n')).toMatch(/initContainers\[init\]: allowPrivilegeEscalation/);
  });
});

describe('ManifestChecks.literalCredentials', () => {
  test('references pass', () => {
    expect(ManifestChecks.literalCredentials([
      deployment({ containers: [{ name: 'a', env: [
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } },
        { name: 'PGHOST', value: 'db-rw' },
      ] }] }),
      { kind: 'Cluster', metadata: { name: 'c' }, spec: { bootstrap: { initdb: { secret: { name: 'db-app' } } },
        serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } } } } },
      { kind: 'ObjectStore', metadata: { name: 'o' }, spec: { configuration: { s3Credentials: {
        accessKeyId: { name: 's3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 's3', key: 'SECRET_ACCESS_KEY' } } } } },
    ])).toEqual([]);
  });

  test.each([
    ['a literal password in env', deployment({ containers: [{ name: 'a', env: [{ name: 'PGPASSWORD', value: 'hunter22' }] }] }), /key "PGPASSWORD" has a literal value/],
    ['a Secret with data', { kind: 'Secret', metadata: { name: 's' }, data: { password: 'aHVudGVy' } }, /Secret with inline data/],
    ['an AWS key', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'AKIAABCDEFGHIJKLMNOP' } }, /AWS access key id/],
    ['a URI with a password', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { url: 'postgresql://app:s3cret@db-rw:5432/app' } }, /URI with a password/],
    ['a private key', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: '-----BEGIN RSA PRIVATE KEY-----\nabc' } }, /private key/],
    ['a password key', { kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'db.password': 'x1y2z3' } }, /key "db\.password"/],
  ])('%s is found', (_n, manifest, expected) => {
    expect(ManifestChecks.literalCredentials([manifest]).join('\n')).toMatch(expected);
  });
});
