/**
 * The checklist's rules, one table per rule, on manifests written as users write them
 * (YAML text, read as `ha-postgres check` reads it: YAML 1.1, keyed objects, schemas).
 * The base is a production-ready cluster `pg` in namespace `shop` (test/support/check-manifests.ts);
 * each row replaces one part of it.
 */
import { backupYaml, checkFiles, clusterYaml, ClusterText, indent, item } from '../support/check-manifests';

type Row = [string, ClusterText, boolean, RegExp];

const verdict = (id: string, t: ClusterText, options?: { zoneTopologyKeys?: string[] }) => item(clusterYaml(t), id, options);

function table(id: string, rows: Row[], options?: { zoneTopologyKeys?: string[] }): void {
  test.each(rows)('%s', (_name, t, passed, reason) => {
    const i = verdict(id, t, options);
    expect({ passed: i.passed, reason: i.reason }).toEqual({ passed, reason: expect.stringMatching(reason) });
  });
}

test('the base cluster passes every required item', () => {
  const { read, reports } = checkFiles({ 'pg.yaml': clusterYaml() });
  expect(read.problems).toEqual([]);
  expect(reports[0].items.filter((i) => i.required && !i.passed)).toEqual([]);
});

const pooler = (name: string, extra = '') => `apiVersion: postgresql.cnpg.io/v1\nkind: Pooler\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  cluster:\n    name: pg\n  instances: 2\n  type: rw\n  pgbouncer:\n    poolMode: transaction\n${extra}`;
const otherCluster = 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: billing\n  namespace: shop\nspec:\n  instances: 3\n  storage:\n    size: 10Gi\n';
const spread = (key: string, matchLabels: string, extra = '') => `topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: ${key}\n    whenUnsatisfiable: DoNotSchedule\n${extra}    labelSelector:\n      matchLabels:\n${indent(matchLabels, 8)}`;
const ZONE = 'topology.kubernetes.io/zone';

describe('daily backup: schedules as CloudNativePG parses them (robfig/cron v1.2.0)', () => {
  const rows: Array<[string, boolean, RegExp]> = [
    ['schedule: "0 0 3 * * *"', true, /pg-daily "0 0 3 \* \* \*" \(at least daily\), method plugin/],
    ['schedule: \'0 30 2 * * *\'', true, /at least daily/],
    ['schedule: "@daily"', true, /"@daily" \(at least daily\)/],
    ['schedule: "@midnight"', true, /"@midnight" \(at least daily\)/],
    ['schedule: "@every 12h"', true, /"@every 12h" \(at least daily\)/],
    ['schedule: "@every 24h"', true, /at least daily/],
    ['schedule: "@hourly"', true, /at least daily/],
    ['schedule: "0 0 3,15 * * *"', true, /at least daily/],
    ['schedule: "@every 36h"', false, /schedule "@every 36h" runs only every 36 h/],
    ['schedule: "@weekly"', false, /runs only every 168 h/],
    ['schedule: "0 0 3 ? * MON-FRI"', false, /runs only every 72 h/],
    ['schedule: "0 0 3 * * L"', false, /schedule "0 0 3 \* \* L" is rejected by CloudNativePG \(robfig\/cron\): Failed to parse int from L: strconv\.Atoi: parsing "L": invalid syntax/],
    ['schedule: "0 0 3 L * *"', false, /rejected by CloudNativePG .*Failed to parse int from L/],
    ['schedule: "0 0 3 * * 7"', false, /rejected by CloudNativePG \(robfig\/cron\): End of range \(7\) above maximum \(6\): 7/],
    ['schedule: "0 3 * * *"', false, /has 5 fields; CloudNativePG \(robfig\/cron\) reads them as second, minute, hour, day of month and month, not as a crontab: second 0, minute 3, every hour, .* a base backup starts at least every 1 h \(the webhook only warns\); write 6 fields, seconds first, e\.g\. "0 0 3 \* \* \*"/],
    ['schedule: "0 0 0 30 2 *"', false, /is accepted but matches no date, so it never runs/],
    ['schedule: "@every 1d"', false, /rejected .*Failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"/],
    ['schedule: "@daily "', false, /rejected .*Unrecognized descriptor: @daily /],
    ['schedule: "0 0 3 * * *"\nsuspend: yes', false, /^pg-daily is suspended$/],
    ['schedule: "0 0 3 * * *"\nsuspend: on', false, /^pg-daily is suspended$/],
    ['schedule: "0 0 3 * * *"\nsuspend: no', true, /at least daily/],
  ];
  test.each(rows)('%s', (spec, passed, reason) => {
    const i = verdict('daily-backup', { backup: backupYaml(spec) });
    expect({ passed: i.passed, reason: i.reason }).toEqual({ passed, reason: expect.stringMatching(reason) });
  });

  test('one good ScheduledBackup among bad ones passes; the bad ones are all named when none is good', () => {
    const weekly = backupYaml('schedule: "@weekly"').replace('pg-daily', 'pg-weekly');
    expect(verdict('daily-backup', { more: [weekly] }).passed).toBe(true);
    expect(verdict('daily-backup', { backup: backupYaml('schedule: "0 3 * * *"'), more: [weekly] }).reason).toMatch(/^pg-daily: schedule "0 3 \* \* \*" has 5 fields.*; pg-weekly: schedule "@weekly" runs only every 168 h$/);
  });
});

describe('zones: spread and anti-affinity on real zone keys, selectors over the modelled pods, node pinning', () => {
  table('instances-zones', [
    ['the base: a spread on cnpg.io/cluster + podRole', {}, true, /spread over topology\.kubernetes\.io\/zone by a DoNotSchedule topology spread \(maxSkew 1\)$/],
    ['operator labels: app.kubernetes.io/instance + component', { spread: spread(ZONE, 'app.kubernetes.io/instance: pg\napp.kubernetes.io/component: database') }, true, /DoNotSchedule topology spread/],
    ['operator labels: app.kubernetes.io/managed-by + cnpg.io/cluster', { spread: spread(ZONE, 'app.kubernetes.io/managed-by: cloudnative-pg\ncnpg.io/cluster: pg\ncnpg.io/podRole: instance') }, true, /DoNotSchedule/],
    ['the PostgreSQL major label (app.kubernetes.io/version, default image 18)', { spread: spread(ZONE, 'cnpg.io/cluster: pg\napp.kubernetes.io/version: "18"\ncnpg.io/podRole: instance') }, true, /DoNotSchedule/],
    ['the major of imageName', { spread: spread(ZONE, 'cnpg.io/cluster: pg\napp.kubernetes.io/version: "18"\ncnpg.io/podRole: instance'), extraSpec: 'imageName: ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie' }, false, /misses the instances \(pg-1, pg-2, pg-3\)/],
    ['an inheritedMetadata label', { spread: spread(ZONE, 'team: orders'), extraSpec: 'inheritedMetadata:\n  labels:\n    team: orders' }, true, /DoNotSchedule/],
    ['a label only the pod template of a Deployment would have', { spread: spread(ZONE, 'team: orders') }, false, /labelSelector that misses the instances \(pg-1, pg-2, pg-3\)/],
    ['cnpg.io/cluster alone also counts the Pooler\'s pods', { spread: spread(ZONE, 'cnpg.io/cluster: pg'), more: [pooler('pg-pooler')] }, false, /labelSelector that also matches 2 other pod\(s\) \(Pooler pg-pooler's pods\): the skew counts them, so two instances can share a zone/],
    ['cnpg.io/cluster alone without a Pooler', { spread: spread(ZONE, 'cnpg.io/cluster: pg') }, true, /DoNotSchedule/],
    ['app.kubernetes.io/name: postgresql counts another cluster\'s instances', { spread: spread(ZONE, 'app.kubernetes.io/name: postgresql'), more: [otherCluster] }, false, /also matches 3 other pod\(s\) \(Cluster billing's instances\)/],
    ['the deprecated zone key', { spread: spread('failure-domain.beta.kubernetes.io/zone', 'cnpg.io/cluster: pg\ncnpg.io/podRole: instance') }, true, /spread over failure-domain\.beta\.kubernetes\.io\/zone/],
    ['a hostname spread is not a zone spread', { spread: spread('kubernetes.io/hostname', 'cnpg.io/cluster: pg\ncnpg.io/podRole: instance') }, false, /the spread on kubernetes\.io\/hostname is not on a zone key; zone keys: topology\.kubernetes\.io\/zone, failure-domain\.beta\.kubernetes\.io\/zone$/],
    ['a key that merely contains "zone" is not a zone key', { spread: spread('example.com/zone', 'cnpg.io/cluster: pg\ncnpg.io/podRole: instance') }, false, /the spread on example\.com\/zone is not on a zone key/],
    ['ScheduleAnyway does not force a spread', { spread: spread(ZONE, 'cnpg.io/cluster: pg', '').replace('DoNotSchedule', 'ScheduleAnyway') }, false, /is ScheduleAnyway with maxSkew 1/],
    ['required anti-affinity on the zone key', { spread: '', affinity: `affinity:\n  podAntiAffinityType: required\n  topologyKey: ${ZONE}` }, true, /by required anti-affinity$/],
    ['required anti-affinity on hostname', { spread: '', affinity: 'affinity:\n  podAntiAffinityType: required\n  topologyKey: kubernetes.io/hostname' }, false, /the operator's required anti-affinity is on kubernetes\.io\/hostname, not a zone key/],
    ['preferred anti-affinity on the zone key', { spread: '', affinity: `affinity:\n  podAntiAffinityType: preferred\n  topologyKey: ${ZONE}` }, false, /nothing forces them into different zones/],
    ['additionalPodAntiAffinity on the zone key', { spread: '', affinity: `affinity:\n  additionalPodAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      - topologyKey: ${ZONE}\n        labelSelector:\n          matchLabels:\n            app.kubernetes.io/instance: pg` }, true, /required anti-affinity \(additionalPodAntiAffinity\)/],
    ['a nodeSelector pins every instance to one zone', { affinity: `affinity:\n  nodeSelector:\n    ${ZONE}: eu-west-1a` }, false, /3 instances, but nodeSelector topology\.kubernetes\.io\/zone=eu-west-1a pins all of them to zone eu-west-1a: losing that zone loses the cluster/],
    ['node affinity to one zone', { affinity: `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - key: ${ZONE}\n              operator: In\n              values: [eu-west-1b]` }, false, /required node affinity on topology\.kubernetes\.io\/zone pins all of them to zone eu-west-1b/],
    ['node affinity to two zones', { affinity: `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - {key: ${ZONE}, operator: In, values: [a]}\n        - matchExpressions:\n            - {key: ${ZONE}, operator: In, values: [b]}` }, false, /allows only 2 zone\(s\): a, b/],
    ['a nodeSelector and node affinity that exclude each other', { affinity: `affinity:\n  nodeSelector:\n    ${ZONE}: a\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - {key: ${ZONE}, operator: In, values: [b, c]}` }, false, /nodeSelector topology\.kubernetes\.io\/zone=a and required node affinity on topology\.kubernetes\.io\/zone leave no zone a node may be in/],
    ['node affinity to three zones', { affinity: `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - {key: ${ZONE}, operator: In, values: [a, b, c]}` }, true, /DoNotSchedule topology spread \(maxSkew 1\) in a, b, c$/],
    ['a node-affinity term that leaves zones open', { affinity: `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n        - matchExpressions:\n            - {key: ${ZONE}, operator: In, values: [a]}\n        - matchExpressions:\n            - {key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}` }, true, /DoNotSchedule topology spread \(maxSkew 1\)$/],
    ['2 instances', { instances: 'instances: 2', synchronous: 'synchronous:\n  method: any\n  number: 1' }, false, /spec\.instances is 2; production needs 3/],
  ]);

  test('a zone key the user names (option / --zone-key) counts', () => {
    const t: ClusterText = { spread: spread('example.com/zone', 'cnpg.io/cluster: pg\ncnpg.io/podRole: instance') };
    expect(verdict('instances-zones', t).passed).toBe(false);
    expect(verdict('instances-zones', t, { zoneTopologyKeys: ['example.com/zone'] })).toMatchObject({ passed: true, reason: expect.stringMatching(/spread over example\.com\/zone/) });
    const pinned: ClusterText = { ...t, affinity: 'affinity:\n  nodeSelector:\n    example.com/zone: z1' };
    expect(verdict('instances-zones', pinned, { zoneTopologyKeys: ['example.com/zone'] }).reason).toMatch(/pins all of them to zone z1/);
  });
});

describe('PDBs: the operator\'s as it creates them, the manifests\', and the pods each selects', () => {
  const pdb = (name: string, bound: string, matchLabels: string) => `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  ${bound}\n  selector:\n    matchLabels:\n${indent(matchLabels, 6)}\n`;
  const instances = 'cnpg.io/cluster: pg\ncnpg.io/podRole: instance';
  table('pdb', [
    ['operator PDBs, 3 instances', {}, true, /^operator PDBs \(primary minAvailable 1 \+ replicas minAvailable 1\) keep 2 of 3 instances available$/],
    ['operator PDBs, 5 instances', { instances: 'instances: 5' }, true, /^operator PDBs \(primary minAvailable 1 \+ replicas minAvailable 3\) keep 4 of 5 instances available$/],
    ['operator PDBs, 2 instances: no replica PDB', { instances: 'instances: 2' }, false, /^instances under no PDB: pg-2 \(the operator creates its replica PDB only from 3 instances; this cluster has 2\)$/],
    ['a node maintenance window (reusePVC by default) drops the replica PDB', { extraSpec: 'nodeMaintenanceWindow:\n  inProgress: yes' }, false, /^instances under no PDB: pg-2, pg-3 \(during the node maintenance window with reusePVC the operator drops its replica PDB\)$/],
    ['a maintenance window with reusePVC: no keeps it', { extraSpec: 'nodeMaintenanceWindow:\n  inProgress: true\n  reusePVC: no' }, true, /keep 2 of 3/],
    ['a maintenance window not in progress', { extraSpec: 'nodeMaintenanceWindow:\n  inProgress: false' }, true, /keep 2 of 3/],
    ['enablePDB: no and no PDB', { extraSpec: 'enablePDB: no' }, false, /^instances under no PDB: pg-1, pg-2, pg-3 \(spec\.enablePDB is false, so the operator creates none\)$/],
    ['enablePDB: no and minAvailable 2 over the instances', { extraSpec: 'enablePDB: no', more: [pdb('pg-instances', 'minAvailable: 2', instances)] }, true, /^PDB pg-instances keeps 2 of 3 instances available, no pod under two PDBs$/],
    ['maxUnavailable 1', { extraSpec: 'enablePDB: no', more: [pdb('pg-instances', 'maxUnavailable: 1', instances)] }, true, /keeps 2 of 3/],
    ['maxUnavailable 34% (rounded up: 2 pods)', { extraSpec: 'enablePDB: no', more: [pdb('pg-instances', 'maxUnavailable: "34%"', instances)] }, false, /keeps only 1 of 3 instances available/],
    ['minAvailable 67% (rounded up: all 3)', { extraSpec: 'enablePDB: no', more: [pdb('pg-instances', 'minAvailable: "67%"', instances)] }, false, /keeps 3 of 3 instances available: no disruption is ever allowed and drains hang/],
    ['minAvailable 1', { extraSpec: 'enablePDB: no', more: [pdb('pg-instances', 'minAvailable: 1', instances)] }, false, /keeps only 1 of 3 instances available/],
    ['a PDB on cnpg.io/cluster also selects the Pooler pods: minAvailable 2 of 5 pods', { extraSpec: 'enablePDB: no', more: [pdb('pg-all', 'minAvailable: 2', 'cnpg.io/cluster: pg'), pooler('pg-pooler')] },
      false, /^PDB pg-all keeps only 0 of 3 instances available: .*\(PDB pg-all also selects 2 other pod\(s\) \(Pooler pg-pooler's pods\), so it allows 3 eviction\(s\) among 5 pods\)$/],
    ['a PDB on app.kubernetes.io/instance also selects the Pooler pods', { extraSpec: 'enablePDB: no', more: [pdb('pg-all', 'maxUnavailable: 1', 'app.kubernetes.io/instance: pg'), pooler('pg-pooler')] },
      true, /keeps 2 of 3 instances available, no pod under two PDBs \(PDB pg-all also selects 2 other pod\(s\)/],
    ['the operator\'s and an own PDB over the same pods', { more: [pdb('pg-instances', 'minAvailable: 2', instances)] }, false, /^pods under several PDBs, so evictions fail \(HTTP 500\) and drains hang: pg-1 \(pg-primary \[operator\], pg-instances\); pg-2 \(pg \[operator\], pg-instances\); pg-3/],
    ['an own PDB named like the operator\'s is deleted when enablePDB is false', { extraSpec: 'enablePDB: false', more: [pdb('pg-primary', 'minAvailable: 2', instances)] }, false, /^instances under no PDB: pg-1, pg-2, pg-3 .*; PDB pg-primary has the name of an operator PDB, so the operator deletes it$/],
    ['an own PDB named like the operator\'s replica PDB is overwritten', { more: [pdb('pg', 'minAvailable: 2', instances)] }, true, /keep 2 of 3 instances available; PDB pg has the name of an operator PDB, so the operator overwrites or deletes it$/],
    ['a PDB without a selector selects no pod', { extraSpec: 'enablePDB: false', more: ['apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: none\n  namespace: shop\nspec:\n  minAvailable: 2\n'] }, false, /^instances under no PDB: pg-1, pg-2, pg-3/],
    ['a PDB with an empty selector selects every pod of the namespace', { extraSpec: 'enablePDB: false', more: ['apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: everything\n  namespace: shop\nspec:\n  minAvailable: 2\n  selector: {}\n', otherCluster] },
      false, /PDB everything keeps only 0 of 3 .*also selects 3 other pod\(s\) \(Cluster billing's instances\)/],
    ['a PDB in another namespace does not count', { extraSpec: 'enablePDB: false', more: [pdb('pg-instances', 'minAvailable: 2', instances).replace('namespace: shop', 'namespace: other')] }, false, /^instances under no PDB/],
  ]);
});

describe('the webhook\'s rules and unsafe settings', () => {
  table('operator-accepts', [
    ['the base', {}, true, /no rule of the CloudNativePG webhook is broken/],
    ['synchronous.number equal to instances', { synchronous: 'synchronous:\n  method: any\n  number: 3' }, false, /webhook rejects the cluster: spec\.postgresql\.synchronous\.number 3 must be below the number of instances \(3\); use at most 2/],
    ['synchronous.number below instances', { synchronous: 'synchronous:\n  method: first\n  number: 2' }, true, /no rule/],
    ['named standbys raise the limit', { synchronous: 'synchronous:\n  method: any\n  number: 3\n  standbyNamesPre: [dr-site]' }, true, /no rule/],
    ['archive_command', { parameters: 'max_slot_wal_keep_size: "8GB"\narchive_command: "/bin/true"' }, false, /spec\.postgresql\.parameters\.archive_command = "\/bin\/true": a fixed parameter the operator manages .*; use a WAL-archiver plugin or spec\.backup\.barmanObjectStore/],
    ['synchronous_standby_names', { parameters: 'max_slot_wal_keep_size: "8GB"\nsynchronous_standby_names: "ANY 1 (*)"' }, false, /synchronous_standby_names .* use spec\.postgresql\.synchronous/],
    ['shared_preload_libraries', { parameters: 'max_slot_wal_keep_size: "8GB"\nshared_preload_libraries: "pg_cron"' }, false, /shared_preload_libraries .*use spec\.postgresql\.shared_preload_libraries/],
    ['port with the operator\'s own value', { parameters: 'max_slot_wal_keep_size: "8GB"\nport: "5432"' }, true, /no rule/],
    ['port with another value', { parameters: 'max_slot_wal_keep_size: "8GB"\nport: "5433"' }, false, /parameters\.port = "5433": a fixed parameter/],
    ['log_destination with the operator\'s own value', { parameters: 'max_slot_wal_keep_size: "8GB"\nlog_destination: "csvlog"' }, true, /no rule/],
    ['fsync: "off"', { parameters: 'max_slot_wal_keep_size: "8GB"\nfsync: "off"' }, false, /^unsafe: fsync is off: an OS crash or power loss can corrupt the database unrecoverably; remove it$/],
    ['fsync: "false"', { parameters: 'max_slot_wal_keep_size: "8GB"\nfsync: "false"' }, false, /fsync is off/],
    ['fsync: "on"', { parameters: 'max_slot_wal_keep_size: "8GB"\nfsync: "on"' }, true, /no rule/],
    ['full_page_writes: "off"', { parameters: 'max_slot_wal_keep_size: "8GB"\nfull_page_writes: "off"' }, false, /full_page_writes is off/],
    ['wal_level: minimal', { parameters: 'max_slot_wal_keep_size: "8GB"\nwal_level: "minimal"' }, false, /wal_level minimal/],
    ['wal_log_hints: "off" with 3 instances', { parameters: 'max_slot_wal_keep_size: "8GB"\nwal_log_hints: "off"' }, false, /wal_log_hints must be on with more than one instance/],
    ['max_wal_size above the WAL volume', { parameters: 'max_slot_wal_keep_size: "8GB"\nmax_wal_size: "32GB"' }, false, /max_wal_size 32GB must be smaller than the WAL volume \(30Gi\)/],
    ['legacy and new synchronous settings together', { extraSpec: 'minSyncReplicas: 1\nmaxSyncReplicas: 1' }, false, /cannot both be set/],
    ['a parameter name with a newline', { parameters: 'max_slot_wal_keep_size: "8GB"\n"work_mem\\nlisten_addresses": "1MB"' }, false, /is not a valid parameter name/],
  ]);

  table('sync-standby', [
    ['the base', {}, true, /^synchronous ANY 1, dataDurability required, failover quorum on /],
    ['number equal to instances', { synchronous: 'synchronous:\n  method: any\n  number: 3' }, false, /synchronous\.number 3 is not below the 3 instance\(s\): the CloudNativePG webhook rejects the cluster/],
    ['dataDurability preferred', { synchronous: 'synchronous:\n  method: any\n  number: 1\n  dataDurability: preferred' }, false, /RPO is not 0/],
    ['synchronous_commit local', { parameters: 'max_slot_wal_keep_size: "8GB"\nsynchronous_commit: "local"' }, false, /synchronous_commit = local: commits return before a standby confirms them/],
    ['synchronous_commit remote_apply', { parameters: 'max_slot_wal_keep_size: "8GB"\nsynchronous_commit: "remote_apply"' }, true, /ANY 1/],
    ['no synchronous block', { synchronous: '' }, false, /no synchronous replication/],
  ]);
});

describe('slots bounded below the volume that holds WAL', () => {
  table('slots-bounded', [
    ['8GB below a 30Gi WAL volume', {}, true, /max_slot_wal_keep_size = 8GB \(below the WAL volume, 30Gi\)/],
    ['40GB above a 30Gi WAL volume', { parameters: 'max_slot_wal_keep_size: "40GB"' }, false, /max_slot_wal_keep_size = 40GB is not below the WAL volume \(spec\.walStorage\.size = 30Gi\): .*lower it to at most half of 30Gi/],
    ['30GB equal to a 30Gi WAL volume', { parameters: 'max_slot_wal_keep_size: "30GB"' }, false, /not below the WAL volume/],
    ['no WAL volume: the data volume', { parameters: 'max_slot_wal_keep_size: "32GB"', storage: 'storage:\n  size: 20Gi' }, false, /not below the data volume \(which holds the WAL\) \(spec\.storage\.size = 20Gi\)/],
    ['a bare number is MB: 4096 = 4Gi on a 4Gi volume', { parameters: 'max_slot_wal_keep_size: "4096"', storage: 'storage:\n  size: 100Gi\nwalStorage:\n  size: 4Gi' }, false, /= 4096 is not below the WAL volume/],
    ['a bare number is MB: 1024 on a 4Gi volume', { parameters: 'max_slot_wal_keep_size: "1024"', storage: 'storage:\n  size: 100Gi\nwalStorage:\n  size: 4Gi' }, true, /below the WAL volume, 4Gi/],
    ['a size in the PVC template', { parameters: 'max_slot_wal_keep_size: "16GB"', storage: 'storage:\n  pvcTemplate:\n    resources:\n      requests:\n        storage: 10Gi' }, false, /data volume .*10Gi/],
    ['-1 (unlimited)', { parameters: 'max_slot_wal_keep_size: "-1"' }, false, /is -1 \(unlimited\)/],
    ['unset', { parameters: 'max_connections: "200"' }, false, /is unset \(unlimited\)/],
    ['lower-case unit', { parameters: 'max_slot_wal_keep_size: "8gb"' }, false, /8gb is not a size PostgreSQL accepts/],
    ['HA slots disabled', { extraSpec: 'replicationSlots:\n  highAvailability:\n    enabled: no' }, false, /HA replication slots are disabled/],
  ]);
});

describe('alert coverage by label matchers, not metric-name substrings', () => {
  const rule = (expr: string, kind = 'alert: PgLag') => `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: pg-alerts\n  namespace: monitoring\nspec:\n  groups:\n    - name: pg\n      rules:\n        - ${kind}\n          expr: '${expr}'\n          for: 5m\n`;
  const monitor = (target: string) => `apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: pg\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      cnpg.io/cluster: pg\n  podMetricsEndpoints:\n    - port: metrics\n      relabelings:\n        - sourceLabels: [__meta_kubernetes_pod_label_cnpg_io_cluster]\n          targetLabel: ${target}\n`;
  table('lag-alerts', [
    ['no matchers: every cluster', { more: [rule('cnpg_pg_replication_lag > 60')] }, true, /^alert PgLag in PrometheusRule pg-alerts covers this cluster$/],
    ['its namespace', { more: [rule('cnpg_pg_replication_lag{namespace="shop"} > 60')] }, true, /covers this cluster$/],
    ['another namespace', { more: [rule('cnpg_pg_replication_lag{namespace="billing"} > 60')] }, false, /no PrometheusRule alert on cnpg_pg_replication_lag covers this cluster: PgLag select\(s\) other clusters/],
    ['its pods by regex', { more: [rule('max by (pod) (cnpg_pg_replication_lag{pod=~"pg-[0-9]+"}) > 60')] }, true, /covers/],
    ['a regex that matches only part of the name (regexes are anchored)', { more: [rule('cnpg_pg_replication_lag{pod=~"pg"} > 60')] }, false, /select\(s\) other clusters/],
    ['another cluster\'s pods', { more: [rule('cnpg_pg_replication_lag{pod=~"billing-.*"} > 60')] }, false, /other clusters/],
    ['one pod only: the primary can be any instance', { more: [rule('cnpg_pg_replication_lag{pod="pg-1"} > 60')] }, false, /other clusters/],
    ['not another cluster', { more: [rule('cnpg_pg_replication_lag{namespace!="billing"} > 60')] }, true, /covers/],
    ['cluster label, by convention the cluster name', { more: [rule('cnpg_pg_replication_lag{cluster="pg"} > 60')] }, true, /covers this cluster$/],
    ['cluster label of another cluster', { more: [rule('cnpg_pg_replication_lag{cluster="billing"} > 60')] }, false, /other clusters/],
    ['a label set by the PodMonitor\'s relabeling', { more: [monitor('cnpg_cluster'), rule('cnpg_pg_replication_lag{cnpg_cluster="pg"} > 60')] }, true, /covers this cluster$/],
    ['that label with another cluster', { more: [monitor('cnpg_cluster'), rule('cnpg_pg_replication_lag{cnpg_cluster="billing"} > 60')] }, false, /other clusters/],
    ['a label the manifests cannot tell', { more: [rule('cnpg_pg_replication_lag{job="postgres"} > 60')] }, true, /covers this cluster \(assuming job="postgres" matches: not decidable from manifests\)/],
    ['__name__ matcher', { more: [rule('{__name__="cnpg_pg_replication_lag", namespace="shop"} > 60')] }, true, /covers/],
    ['a longer metric name containing the name', { more: [rule('my_cnpg_pg_replication_lag_total > 60')] }, false, /^no PrometheusRule alert on cnpg_pg_replication_lag covers this cluster$/],
    ['the name in a label value', { more: [rule('up{job="cnpg_pg_replication_lag"} == 0')] }, false, /^no PrometheusRule alert/],
    ['a recording rule', { more: [rule('cnpg_pg_replication_lag > 60', 'record: pg:lag')] }, false, /^no PrometheusRule alert/],
    ['an expression that does not parse', { more: [rule('max by (pod (cnpg_pg_replication_lag > 60')] }, false, /1 alert expression\(s\) do not parse: PgLag/],
  ]);

  table('slots-monitored', [
    ['a slot metric for its namespace', { more: [rule('cnpg_pg_replication_slots_pg_wal_lsn_diff{namespace="shop"} > 5e9', 'alert: SlotRetention')] }, true, /alert SlotRetention in PrometheusRule pg-alerts covers this cluster/],
    ['a slot metric for another namespace', { more: [rule('cnpg_pg_replication_slots_active{namespace="x"} == 0', 'alert: SlotInactive')] }, false, /SlotInactive select\(s\) other clusters/],
    ['only the lag metric', { more: [rule('cnpg_pg_replication_lag > 60')] }, false, /^no PrometheusRule alert on cnpg_pg_replication_slots_\* covers this cluster$/],
  ]);
});
