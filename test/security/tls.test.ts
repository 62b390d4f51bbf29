import { HaPostgres, HbaMethod, HbaRule, PgBouncerPool, SynthWarnings, TlsVersion } from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

describe('TLS on the instances (CloudNativePG)', () => {
  test('default: plain text refused first in pg_hba, TLS 1.3 minimum set explicitly', () => {
    const spec = only(synth((c) => { new HaPostgres(c, 'db'); }), 'Cluster').spec;
    expect(spec.postgresql.pg_hba).toEqual(['hostnossl all all all reject']);
    expect(spec.postgresql.parameters.ssl_min_protocol_version).toBe('TLSv1.3');
  });

  test('typed hostssl rules land after the reject rule, in order; schema-valid', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db');
      db.addHbaRule(HbaRule.hostssl({ database: 'app', user: 'app', address: '10.20.0.0/16' }));
      db.addHbaRule(HbaRule.hostssl({ user: 'reporting', address: 'fd00::/8', method: HbaMethod.CERT }));
    });
    expectValidManifests(ms);
    expect(only(ms, 'Cluster').spec.postgresql.pg_hba).toEqual([
      'hostnossl all all all reject',
      'hostssl app app 10.20.0.0/16 scram-sha-256',
      'hostssl all reporting fd00::/8 cert',
    ]);
  });

  test('TLS 1.2 minimum is a typed choice, with a warning', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db', { tls: { minimumVersion: TlsVersion.TLS_1_2 } });
      expect(SynthWarnings.collect(db).join('\n')).toContain('TLS 1.2 is accepted');
    });
    expect(only(ms, 'Cluster').spec.postgresql.parameters.ssl_min_protocol_version).toBe('TLSv1.2');
  });

  test('plain text only with a stated reason: no reject rule, and a warning quoting it', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db', { tls: { allowPlainTextReason: 'legacy ETL without TLS until 2027-01' } });
      expect(SynthWarnings.collect(db).join('\n')).toContain('plain-text connections are accepted (legacy ETL without TLS until 2027-01)');
    });
    expect(only(ms, 'Cluster').spec.postgresql.pg_hba).toEqual([]);
  });

  test('an empty reason, a user ssl_min_protocol_version, a pg_hba override and bad rules are errors', () => {
    expect(synthError((c) => { new HaPostgres(c, 'db', { tls: { allowPlainTextReason: ' ' } }); }))
      .toContain('tls.allowPlainTextReason = " ": is empty');
    expect(synthError((c) => { new HaPostgres(c, 'db', { parameters: { ssl_min_protocol_version: 'TLSv1' } }); }))
      .toMatch(/parameters\.ssl_min_protocol_version = "TLSv1": .*tls\.minimumVersion/);
    expect(() => synth((c) => { new HaPostgres(c, 'db').addOverride('spec.postgresql.pg_hba', ['host all all all trust']); }))
      .toThrow(/addOverride path = "spec.postgresql.pg_hba": .*tls \/ addHbaRule\(\)/);
    const msg = synthError((c) => {
      new HaPostgres(c, 'db').addHbaRule(HbaRule.hostssl({ database: 'App DB', address: '10.0.0.0', method: 'trust' as HbaMethod }));
    });
    expect(msg).toContain('addHbaRule()[0].database = "App DB"');
    expect(msg).toContain('addHbaRule()[0].address = "10.0.0.0": is not a CIDR');
    expect(msg).toContain('addHbaRule()[0].method = "trust": is not an allowed authentication method');
  });
});

describe('TLS on the pool', () => {
  test('client_tls_sslmode require by default; a stricter mode is kept', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db');
      new PgBouncerPool(c, 'a', { cluster: db });
      new PgBouncerPool(c, 'b', { cluster: db, name: 'db-pool-b', parameters: { client_tls_sslmode: 'verify-full' } });
    });
    const poolers = ms.filter((m) => m.kind === 'Pooler');
    expect(poolers.map((p) => p.spec.pgbouncer.parameters.client_tls_sslmode)).toEqual(['require', 'verify-full']);
  });

  test.each([['client_tls_sslmode', 'disable'], ['client_tls_sslmode', 'prefer'], ['server_tls_sslmode', 'allow']])('%s = %s is refused', (name, value) => {
    const msg = synthError((c) => { new PgBouncerPool(c, 'p', { cluster: new HaPostgres(c, 'db'), parameters: { [name]: value } }); });
    expect(msg).toContain(`parameters.${name} = "${value}": would let`);
    expect(msg).toContain('without TLS');
    expect(msg).toContain('Fix: leave it unset');
  });
});
