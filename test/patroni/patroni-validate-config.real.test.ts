/**
 * Patroni's own validator (`patroni --validate-config`, Debian's 3.0.2) over the
 * configuration the engine emits for the Kubernetes DCS, with the environment the
 * StatefulSet gives each pod (pod IP, passwords from Secrets).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { emittedPatroni } from '../support/patroni-local-config';
import { drillManifests } from './drill-cluster';

function validate(config: any, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-validate-'));
  const file = path.join(dir, 'patroni.yml');
  fs.writeFileSync(file, stringify(config));
  return new Promise((resolve) => {
    execFile(findBinary('patroni') as string, ['--validate-config', file], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describeWithBinaries(['patroni', 'pg_ctl'], 'patroni --validate-config on the emitted configuration', () => {
  const manifests = drillManifests();
  const emitted = emittedPatroni(manifests);
  const container = manifests.find((m) => m.kind === 'StatefulSet').spec.template.spec.containers[0];
  // What Kubernetes would put into the pod's environment (values from the downward API and Secrets).
  const podEnv: NodeJS.ProcessEnv = {
    PATRONI_NAME: 'orders-0', PATRONI_KUBERNETES_NAMESPACE: 'db', PATRONI_KUBERNETES_POD_IP: '10.1.2.3',
    PATRONI_POSTGRESQL_CONNECT_ADDRESS: '10.1.2.3:5432', PATRONI_RESTAPI_CONNECT_ADDRESS: '10.1.2.3:8008',
    PATRONI_SUPERUSER_PASSWORD: 's', PATRONI_REPLICATION_PASSWORD: 'r', PATRONI_REWIND_PASSWORD: 'w', PATRONI_RESTAPI_PASSWORD: 'p', APP_PASSWORD: 'a',
  };
  // 3.0.2's schema requires the deprecated bootstrap.pg_hba whenever bootstrap is present
  // (later releases dropped it); postgresql.pg_hba is what Patroni uses.
  const withQuirk = (c: any) => ({ ...c, bootstrap: { ...c.bootstrap, pg_hba: c.postgresql.pg_hba } });

  test('the test environment names exactly the variables of the StatefulSet', () => {
    expect(Object.keys(podEnv).sort()).toEqual(container.env.map((e: any) => e.name).sort());
  });

  test('the emitted configuration validates', async () => {
    const r = await validate(withQuirk(emitted.config), podEnv);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  test('the validator catches a seeded error (so a pass means something)', async () => {
    const broken = withQuirk(emitted.config);
    broken.kubernetes = { ...broken.kubernetes, use_endpoints: 'yes-please' };
    const r = await validate(broken, podEnv);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/use_endpoints/);
  });
});
