/**
 * Patroni's own validator (`patroni --validate-config`, Debian's 3.0.2) over the
 * configuration the engine emits, unmodified (only the environment is the pod's: pod IP,
 * names, passwords from Secrets), for the Kubernetes DCS and for an etcd DCS.
 *
 * What 3.0.2 checks (patroni/validator.py): the required keys and their types (name,
 * scope, restapi listen/connect_address, bootstrap.dcs timing types, bootstrap.pg_hba,
 * bootstrap.initdb, postgresql listen/connect_address/data_dir/authentication, pg_hba,
 * tags), exactly one DCS section with its required keys (`kubernetes.labels`; etcd hosts,
 * which must answer on their port), that bin_dir holds pg_ctl, initdb, pg_controldata,
 * pg_basebackup, postgres and pg_isready, and that the data directory is empty or a
 * PostgreSQL data directory of that major. It does not check synchronous settings,
 * PostgreSQL parameters, callbacks or recovery_conf: those are proven by the drill and the
 * archive test, which run the configuration.
 */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { Chart, Size, Testing } from 'cdk8s';
import { AppCredentials, ClusterEngine, HaPostgres, PatroniDcs, PatroniVersion, PostgresVersion } from '../../lib';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { podEnvironment, validatePatroniConfig } from '../support/patroni-validate';
import { freePort, httpRequest, killHard, spawnLogged, waitFor } from '../support/processes';
import { drillManifests } from './drill-cluster';

const patroniYml = (manifests: any[]) => parse(manifests.find((m) => m.kind === 'ConfigMap' && m.data?.['patroni.yml']).data['patroni.yml']);
const statefulSet = (manifests: any[]) => manifests.find((m) => m.kind === 'StatefulSet');

describeWithBinaries(['patroni', 'pg_ctl', 'etcd'], 'patroni --validate-config on the emitted configuration, unmodified', () => {
  const manifests = drillManifests();
  const config = patroniYml(manifests);
  const env = podEnvironment(statefulSet(manifests));

  test('the pod environment is the StatefulSet\'s: the downward API, Secrets and $(VAR) references resolved', () => {
    expect(env).toMatchObject({
      PATRONI_NAME: 'orders-0', PATRONI_KUBERNETES_NAMESPACE: 'db', PATRONI_KUBERNETES_POD_IP: '10.1.2.3',
      PATRONI_POSTGRESQL_CONNECT_ADDRESS: '10.1.2.3:5432', PATRONI_RESTAPI_CONNECT_ADDRESS: '10.1.2.3:8008',
    });
    expect(Object.keys(env).sort()).toEqual(statefulSet(manifests).spec.template.spec.containers[0].env.map((e: any) => e.name).sort());
  });

  test('the emitted configuration (Kubernetes DCS, Patroni 3.0, PostgreSQL 15) validates as it is', async () => {
    expect(config.bootstrap.pg_hba).toEqual(config.postgresql.pg_hba);
    const r = await validatePatroniConfig(config, env);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('the validator catches a seeded error, and the missing bootstrap.pg_hba 3.0.2 requires (so a pass means something)', async () => {
    const broken = { ...config, kubernetes: { ...config.kubernetes, use_endpoints: 'yes-please' } };
    const r = await validatePatroniConfig(broken, env);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/use_endpoints/);
    const { pg_hba: _hba, ...bootstrap } = config.bootstrap;
    const withoutHba = await validatePatroniConfig({ ...config, bootstrap }, env);
    expect(withoutHba.code).not.toBe(0);
    expect(withoutHba.output).toMatch(/bootstrap\.pg_hba/);
  });

  describe('etcd DCS (the validator connects to the etcd hosts, so a local etcd answers)', () => {
    let etcdProc: ChildProcess | undefined;
    let root: string;
    let etcdPort: number;

    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-validate-etcd-'));
      etcdPort = await freePort();
      const peerPort = await freePort();
      etcdProc = spawnLogged(findBinary('etcd') as string, [
        '--name', 'v', '--data-dir', path.join(root, 'etcd'),
        '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
        '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-cluster', `v=http://127.0.0.1:${peerPort}`, '--listen-metrics-urls', `http://127.0.0.1:${await freePort()}`,
      ], path.join(root, 'etcd.log'), {}, false);
      await waitFor('etcd', 20_000, async () => ((await httpRequest(etcdPort, 'GET', '/health')).status === 200 ? true : undefined));
    }, 30_000);

    afterAll(() => {
      killHard([etcdProc?.pid]);
      fs.rmSync(root, { recursive: true, force: true });
    });

    test('the emitted configuration validates as it is', async () => {
      const chart = new Chart(Testing.app(), 'v', { namespace: 'db', disableResourceNameHashes: true });
      new HaPostgres(chart, 'orders', {
        engine: ClusterEngine.patroni({
          version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni',
          tlsSecretName: 'orders-tls', dcs: PatroniDcs.etcd([`http://127.0.0.1:${etcdPort}`]),
        }),
        version: PostgresVersion.of(15, 18),
        credentials: AppCredentials.fromSecret('orders-app'),
        storage: { size: Size.gibibytes(10) },
      });
      const ms = Testing.synth(chart);
      const cfg = patroniYml(ms);
      expect(cfg.etcd3).toEqual({ protocol: 'http', hosts: [`127.0.0.1:${etcdPort}`] });
      const r = await validatePatroniConfig(cfg, podEnvironment(statefulSet(ms)));
      expect(r.output).toBe('');
      expect(r.code).toBe(0);
    });
  });
});
