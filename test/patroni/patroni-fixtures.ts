import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { AppCredentials, ClusterEngine, HaPostgres, HaPostgresProps, PatroniEngineProps, PatroniVersion, SynthWarnings } from '../../lib';
import { synth } from '../support/synth';

/** Engine props every Patroni test needs (the image and Secret are required). */
export const BASE_ENGINE: PatroniEngineProps = {
  version: PatroniVersion.V4_1,
  image: 'registry.example.com/patroni:4.1.4-pg17',
  credentialsSecretName: 'orders-patroni',
  tlsSecretName: 'orders-tls',
};

/** HaPostgres props that Patroni accepts (it needs an existing application Secret). */
export function patroniProps(engine: Partial<PatroniEngineProps> = {}, props: HaPostgresProps = {}): HaPostgresProps {
  return { credentials: AppCredentials.fromSecret('orders-app'), engine: ClusterEngine.patroni({ ...BASE_ENGINE, ...engine }), ...props };
}

export function synthPatroni(engine: Partial<PatroniEngineProps> = {}, props: HaPostgresProps = {}): any[] {
  return synth((c: Chart) => new HaPostgres(c, 'orders', patroniProps(engine, props)));
}

/** Like `synthPatroni`, with the synth warnings recorded on the chart. */
export function synthPatroniWithWarnings(engine: Partial<PatroniEngineProps> = {}, props: HaPostgresProps = {}): { ms: any[]; warnings: string[] } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'db', disableResourceNameHashes: true });
  new HaPostgres(chart, 'orders', patroniProps(engine, props));
  const ms = Testing.synth(chart);
  return { ms, warnings: SynthWarnings.collect(chart) };
}

/** The parsed patroni.yml of the manifests. */
export function patroniYml(manifests: any[]): any {
  return parse(manifests.find((m) => m.kind === 'ConfigMap').data['patroni.yml']);
}

export function byName(manifests: any[], kind: string, name: string): any {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}
