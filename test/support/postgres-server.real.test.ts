import * as fs from 'fs';

import { describeWithBinaries } from './binaries';
import { checkConfig, PgServer, quoteConfValue, startPostgres } from './postgres-server';

describe('quoteConfValue', () => {
  test('quotes and escapes for postgresql.conf', () => {
    expect(quoteConfValue('256MB')).toBe("'256MB'");
    expect(quoteConfValue("it's")).toBe("'it''s'");
    expect(quoteConfValue('a\\b')).toBe("'a\\\\b'");
    expect(quoteConfValue('a\nb')).toBe("'a\\nb'");
    expect(() => quoteConfValue('a\0b')).toThrow(/NUL/);
  });
});

describeWithBinaries(['postgres', 'initdb', 'pg_ctl', 'psql'], 'real PostgreSQL test server', () => {
  let server: PgServer | undefined;
  const parameters = {
    max_connections: '150',
    shared_buffers: '256MB',
    max_slot_wal_keep_size: '10GB',
    max_standby_streaming_delay: '30s',
    wal_level: 'logical',
    // exercises quoting: a quote and a backslash inside the value
    cluster_name: "pg 'test' \\ app",
  };

  beforeAll(async () => {
    server = await startPostgres({ parameters });
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('applies the given parameters (as SHOW prints them)', async () => {
    const s = server!;
    expect(await s.show('max_connections')).toBe('150');
    expect(await s.show('shared_buffers')).toBe('256MB');
    expect(await s.show('max_slot_wal_keep_size')).toBe('10GB');
    expect(await s.show('max_standby_streaming_delay')).toBe('30s');
    expect(await s.show('wal_level')).toBe('logical');
    expect(await s.show('listen_addresses')).toBe('127.0.0.1');
    expect(await s.show('port')).toBe(String(s.port));
    expect(await s.show('data_checksums')).toBe('on');
  });

  test('settings() reads pg_settings with units and source', async () => {
    const got = await server!.settings(['shared_buffers', 'max_slot_wal_keep_size', 'wal_level', 'cluster_name']);
    expect(got.shared_buffers).toEqual({ setting: '32768', unit: '8kB', source: 'configuration file' });
    expect(got.max_slot_wal_keep_size).toEqual({ setting: '10240', unit: 'MB', source: 'configuration file' });
    expect(got.wal_level).toEqual({ setting: 'logical', unit: null, source: 'configuration file' });
    expect(got.cluster_name).toEqual({ setting: "pg 'test' \\ app", unit: null, source: 'configuration file' });
    await expect(server!.settings(['no_such_parameter'])).rejects.toThrow(/no_such_parameter/);
  });

  test('query() rejects with psql stderr on SQL errors', async () => {
    expect(await server!.query('SELECT 1 + 1')).toBe('2');
    await expect(server!.query('SELECT * FROM no_such_table')).rejects.toThrow(/relation "no_such_table" does not exist/);
  });

  test('a bad parameter value makes startPostgres reject with the server log', async () => {
    await expect(startPostgres({ parameters: { wal_level: 'bogus' } })).rejects.toThrow(/invalid value for parameter "wal_level": "bogus"/);
  });

  test('a cross-parameter rule is caught by a real start', async () => {
    await expect(startPostgres({ parameters: { wal_level: 'minimal', max_wal_senders: '10' } }))
      .rejects.toThrow(/WAL streaming \(max_wal_senders > 0\) requires wal_level "replica" or "logical"/);
  });

  test('checkConfig accepts a good set and rejects unknown or out-of-range parameters', async () => {
    expect(await checkConfig(parameters)).toEqual({ ok: true, errors: [] });

    const unknown = await checkConfig({ foo_bar: '1' });
    expect(unknown.ok).toBe(false);
    expect(unknown.errors.join('\n')).toMatch(/unrecognized configuration parameter "foo_bar"/);

    const outOfRange = await checkConfig({ max_connections: '999999999' });
    expect(outOfRange.ok).toBe(false);
    expect(outOfRange.errors.join('\n')).toMatch(/999999999 is outside the valid range for parameter "max_connections"/);

    const badEnum = await checkConfig({ wal_level: 'bogus' });
    expect(badEnum.errors).toContain('invalid value for parameter "wal_level": "bogus"');
  });

  test('stop() removes the temp dir and is safe to call twice', async () => {
    const s = await startPostgres({});
    expect(fs.existsSync(s.dataDir)).toBe(true);
    await s.stop();
    await s.stop();
    expect(fs.existsSync(s.dataDir)).toBe(false);
  });
});
