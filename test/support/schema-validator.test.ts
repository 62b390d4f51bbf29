import { expectValidManifests, forgetCompiledValidators, schemaValidatorStats, validateManifest, validateManifests } from './schema-validator';

const meta = (name: string) => ({ name, namespace: 'db', labels: { 'app.kubernetes.io/name': name } });

const cluster = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: meta('db'),
  spec: { instances: 3, storage: { size: '10Gi' }, ...spec },
});

const objectStore = (configuration: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'barmancloud.cnpg.io/v1',
  kind: 'ObjectStore',
  metadata: meta('backups'),
  spec: { configuration, ...extra },
});

const pdb = (spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta('db-primary'),
  spec: { selector: { matchLabels: { 'cnpg.io/cluster': 'db' } }, ...spec },
});

const podSpec = {
  containers: [
    {
      name: 'app',
      image: 'ghcr.io/example/app:1.0',
      ports: [{ containerPort: 8080, name: 'http' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
    },
  ],
};

describe('custom resources (CRD schemas)', () => {
  test('a valid CloudNativePG Cluster passes', () => {
    expect(validateManifest(cluster({ primaryUpdateMethod: 'switchover', postgresql: { parameters: { max_connections: '200' } } }))).toEqual([]);
  });

  test('an unknown field fails, naming kind/name and path', () => {
    expect(validateManifest(cluster({ notAField: true }))).toEqual(['Cluster/db spec.notAField: unknown field']);
    expect(validateManifest(cluster({ postgresql: { foo: 1 } }))).toEqual(['Cluster/db spec.postgresql.foo: unknown field']);
    expect(validateManifest({ ...cluster(), extra: 1 })).toEqual(['Cluster/db extra: unknown field']);
  });

  test('a wrong type fails', () => {
    expect(validateManifest(cluster({ instances: 'three' }))).toEqual(['Cluster/db spec.instances: must be integer (got "three")']);
  });

  test('a value outside the enum fails', () => {
    const errors = validateManifest(cluster({ primaryUpdateMethod: 'bogus' }));
    expect(errors).toEqual(['Cluster/db spec.primaryUpdateMethod: must be one of "switchover", "restart" (got "bogus")']);
  });

  test('minimum, required and array items are checked', () => {
    expect(validateManifest(cluster({ instances: 0 }))).toEqual(['Cluster/db spec.instances: must be >= 1 (got 0)']);
    const errors = validateManifest(cluster({ managed: { roles: [{ login: true }] } }));
    expect(errors).toEqual(['Cluster/db spec.managed.roles[0].name: required field missing']);
  });

  test('int-or-string fields take both, and nothing else', () => {
    // resources.limits are quantities (x-kubernetes-int-or-string with a pattern).
    expect(validateManifest(cluster({ resources: { limits: { cpu: 2, memory: '4Gi' } } }))).toEqual([]);
    expect(validateManifest(cluster({ resources: { limits: { cpu: true } } }))).toEqual([
      'Cluster/db spec.resources.limits.cpu: must be integer or string (got true)',
    ]);
  });

  test('an empty `type: object` is closed, as the API server prunes everything under it', () => {
    const volumeClaimTemplate = { metadata: { labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOnce'] } };
    expect(validateManifest(cluster({ ephemeralVolumeSource: { volumeClaimTemplate } }))).toEqual([
      'Cluster/db spec.ephemeralVolumeSource.volumeClaimTemplate.metadata.labels: unknown field',
    ]);
  });

  test('metadata is checked as ObjectMeta', () => {
    expect(validateManifest({ ...cluster(), metadata: { name: 'Bad_Name' } })).toEqual([
      "Cluster/Bad_Name metadata.name: must be an RFC 1123 subdomain (lowercase alphanumerics, '-', '.'; at most 253 characters) (got \"Bad_Name\")",
    ]);
    expect(validateManifest({ ...cluster(), metadata: { name: 'db', lables: {} } })).toEqual(['Cluster/db metadata.lables: unknown field']);
    expect(validateManifest({ ...cluster(), metadata: { name: 'db', labels: { tier: 'not valid!' } } })).toEqual([
      'Cluster/db metadata.labels.tier: must be a label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends) (got "not valid!")',
    ]);
    expect(validateManifest({ ...cluster(), metadata: {} })).toEqual(['Cluster/<no name> metadata.name: required field missing']);
  });

  test('a valid ObjectStore passes; a bad pattern and a missing required field fail', () => {
    const s3 = {
      destinationPath: 's3://backups/db',
      s3Credentials: { accessKeyId: { name: 'aws', key: 'id' }, secretAccessKey: { name: 'aws', key: 'secret' } },
      wal: { compression: 'gzip' },
    };
    expect(validateManifest(objectStore(s3, { retentionPolicy: '30d' }))).toEqual([]);
    expect(validateManifest(objectStore({}, { retentionPolicy: '30 days' }))).toEqual([
      'ObjectStore/backups spec.configuration.destinationPath: required field missing',
      'ObjectStore/backups spec.retentionPolicy: must match pattern "^[1-9][0-9]*[dwm]$" (got "30 days")',
    ]);
  });

  test('FailoverQuorum (the operator\'s record of the synchronous quorum, CloudNativePG 1.30) is validated against its CRD', () => {
    const quorum = (status: Record<string, unknown>) => ({
      apiVersion: 'postgresql.cnpg.io/v1', kind: 'FailoverQuorum', metadata: meta('db'), status,
    });
    expect(validateManifest(quorum({ method: 'any', primary: 'db-1', standbyNames: ['db-2', 'db-3'], standbyNumber: 1 }))).toEqual([]);
    expect(validateManifest(quorum({ standbyNumber: 'one', quorum: true }))).toEqual([
      'FailoverQuorum/db status.quorum: unknown field',
      'FailoverQuorum/db status.standbyNumber: must be integer (got "one")',
    ]);
    // The Cluster side: the field that turns it on is a boolean under spec.postgresql.synchronous.
    expect(validateManifest(cluster({ postgresql: { synchronous: { method: 'any', number: 1, failoverQuorum: true } } }))).toEqual([]);
    expect(validateManifest(cluster({ postgresql: { synchronous: { method: 'any', number: 1, failoverQuorum: 'yes' } } })))
      .toEqual(['Cluster/db spec.postgresql.synchronous.failoverQuorum: must be boolean (got "yes")']);
  });

  test('a PodMonitor and a PrometheusRule (monitoring.coreos.com/v1) pass', () => {
    const podMonitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: meta('db'),
      spec: { selector: { matchLabels: { 'cnpg.io/cluster': 'db' } }, podMetricsEndpoints: [{ port: 'metrics', interval: '30s' }] },
    };
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta('db-alerts'),
      spec: {
        groups: [
          {
            name: 'db',
            partial_response_strategy: 'WARN', // pattern ^(?i)(abort|warn)?$ uses a Go inline flag
            rules: [{ alert: 'PostgresDown', expr: 'cnpg_collector_up == 0', for: '5m', labels: { severity: 'critical' } }],
          },
        ],
      },
    };
    expect(validateManifests([podMonitor, rule])).toEqual([]);
    const broken = { ...rule, spec: { groups: [{ name: 'db', rules: [{ alert: 'X', expresion: 'up' }] }] } };
    expect(validateManifest(broken)).toEqual([
      'PrometheusRule/db-alerts spec.groups[0].rules[0].expr: required field missing',
      'PrometheusRule/db-alerts spec.groups[0].rules[0].expresion: unknown field',
    ]);
  });

  test('a kind or version the CRDs do not define fails', () => {
    expect(validateManifest({ ...cluster(), kind: 'Clustre' })).toEqual([
      'Clustre/db (root): no schema for postgresql.cnpg.io/v1 Clustre: no CRD of that kind in cdk8s.yaml crdSources',
    ]);
    expect(validateManifest({ ...cluster(), apiVersion: 'postgresql.cnpg.io/v2' })[0]).toMatch(/no schema for postgresql.cnpg.io\/v2 Cluster: the CRD serves v1/);
  });

  test('the Cluster schema is compiled (or loaded from the disk cache) once per process, and later validations are fast', () => {
    validateManifest(cluster()); // compiled here at the latest
    const start = performance.now();
    for (let i = 0; i < 20; i++) validateManifest(cluster({ instances: i + 1 }));
    const perValidation = (performance.now() - start) / 20;
    const clusterCompiles = schemaValidatorStats().compiles.filter((c) => c.schema === 'postgresql.cnpg.io/v1/Cluster');
    expect(clusterCompiles).toHaveLength(1);
    // A compile costs far more than a validation; a load from the disk cache need not.
    if (clusterCompiles[0].from === 'compile') expect(perValidation).toBeLessThan(clusterCompiles[0].ms);
    else expect(perValidation).toBeLessThan(50);
  });

  test('validators loaded from the disk cache answer exactly as compiled ones (RE2 flag shim, date-time format)', () => {
    const cases = [
      cluster({ managed: { roles: [{ name: 'app', validUntil: '2027-01-01T00:00:00Z' }] } }),
      cluster({ managed: { roles: [{ name: 'app', validUntil: 'tomorrow' }] } }),
      {
        apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'db' },
        spec: { groups: [{ name: 'g', partial_response_strategy: 'sometimes', rules: [{ alert: 'A', expr: 'up == 0' }] }] },
      },
    ];
    const first = cases.map((c) => validateManifest(c));
    expect(first[0]).toEqual([]);
    expect(first[1].join()).toMatch(/validUntil: must match format "date-time"/);
    expect(first[2].join()).toMatch(/partial_response_strategy: must match pattern/);
    forgetCompiledValidators();
    expect(cases.map((c) => validateManifest(c))).toEqual(first);
    const loads = schemaValidatorStats().compiles.filter((c) => c.schema === 'postgresql.cnpg.io/v1/Cluster');
    expect(loads[loads.length - 1].from).toBe('disk');
  });

  test('a missing CRD folder fails with the place it looked', () => {
    const saved = process.env.CRD_DIR;
    process.env.CRD_DIR = '/nonexistent/crds';
    try {
      expect(() => validateManifest(cluster())).toThrow('CRD folder not found: looked in /nonexistent/crds');
    } finally {
      if (saved === undefined) delete process.env.CRD_DIR;
      else process.env.CRD_DIR = saved;
    }
  });
});

describe('core kinds (kubernetes-models, made strict)', () => {
  test('a PodDisruptionBudget passes, with an integer or a percentage', () => {
    expect(validateManifest(pdb({ minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' }))).toEqual([]);
    expect(validateManifest(pdb({ minAvailable: '50%' }))).toEqual([]);
  });

  test('a PodDisruptionBudget with an unknown field, a wrong enum or type fails', () => {
    expect(validateManifest(pdb({ minAvailable: 2, notAField: 1 }))).toEqual(['PodDisruptionBudget/db-primary spec.notAField: unknown field']);
    expect(validateManifest(pdb({ unhealthyPodEvictionPolicy: 'Sometimes' }))).toEqual([
      'PodDisruptionBudget/db-primary spec.unhealthyPodEvictionPolicy: must be one of "AlwaysAllow", "IfHealthyBudget" (got "Sometimes")',
    ]);
    expect(validateManifest(pdb({ minAvailable: true }))).toEqual(['PodDisruptionBudget/db-primary spec.minAvailable: must be string or integer (got true)']);
  });

  test('valid Service, Deployment, NetworkPolicy, Role and CronJob pass', () => {
    const labels = { app: 'web' };
    expectValidManifests([
      { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('web'),
        spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('db-ingress'),
        spec: {
          podSelector: { matchLabels: { 'cnpg.io/cluster': 'db' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: labels } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta('reader'),
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-app'] }],
      },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('vacuum'),
        spec: {
          schedule: '0 3 * * *',
          concurrencyPolicy: 'Forbid',
          jobTemplate: { spec: { backoffLimit: 1, template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
        },
      },
    ]);
  });

  test('unknown fields are found deep inside core kinds, but maps stay open', () => {
    const container = { ...podSpec.containers[0], imagePullPolcy: 'Always' };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('web'),
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } } },
    };
    expect(validateManifest(deployment)).toEqual(['Deployment/web spec.template.spec.containers[0].imagePullPolcy: unknown field']);
  });

  test('objects are validated as serialized: undefined keys vanish, frozen objects are fine', () => {
    const frozen = (o: any): any => Object.freeze(Object.values(o).forEach((v) => v && typeof v === 'object' && frozen(v)) ?? o);
    expect(validateManifest(frozen(pdb({ minAvailable: 1, maxUnavailable: undefined })))).toEqual([]);
    expect(validateManifest(cluster({ notAField: undefined }))).toEqual([]);
  });

  test('a Service name must be an RFC 1035 label', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1-db' }, spec: { ports: [{ port: 5432 }] } };
    expect(validateManifest(svc)).toEqual([
      "Service/1-db metadata.name: must be an RFC 1035 label (lowercase alphanumerics, '-'; at most 63 characters) (got \"1-db\")",
    ]);
  });

  test('a bad metadata.name fails', () => {
    expect(validateManifest({ ...pdb({ minAvailable: 1 }), metadata: { name: 'Bad_Name' } })).toEqual([
      "PodDisruptionBudget/Bad_Name metadata.name: must be an RFC 1123 subdomain (lowercase alphanumerics, '-', '.'; at most 253 characters) (got \"Bad_Name\")",
    ]);
  });

  test('an unknown apiVersion or kind fails', () => {
    expect(validateManifest({ apiVersion: 'v1', kind: 'Bogus', metadata: { name: 'x' } })).toEqual(['Bogus/x (root): no schema for apiVersion "v1", kind "Bogus"']);
    expect(validateManifest({ apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: { name: 'x' } })).toEqual([
      'DeploymentSpec/x (root): no schema for apiVersion "apps/v1", kind "DeploymentSpec"',
    ]);
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).toEqual([
      'Widget/x (root): no schema for apiVersion "example.com/v1", kind "Widget"',
    ]);
    expect(validateManifest('nope')).toEqual(['"nope": not a Kubernetes object']);
  });
});

test('expectValidManifests lists every error', () => {
  expect(() => expectValidManifests([cluster({ notAField: 1 }), pdb({ bogus: 1 })])).toThrow(
    '2 schema error(s) in 2 manifest(s):\n  Cluster/db spec.notAField: unknown field\n  PodDisruptionBudget/db-primary spec.bogus: unknown field',
  );
});
