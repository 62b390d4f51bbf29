/**
 * `ha-postgres upgrade status|cutover` as a user runs them: exit codes, messages, and that
 * nothing loads pg before an upgrade action runs. The full cutover on real servers is
 * test/replication/upgrade-drill.real.test.ts; here the refusals.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { describeWithBinaries } from '../../support/binaries';
import { runCli } from '../../support/cli';
import { PgServer, startPostgres } from '../../support/postgres-server';
import { freePort } from '../../support/processes';

const ROOT = path.resolve(__dirname, '../../..');

const names = ['--publication', 'upgrade_pub', '--subscription', 'upgrade_sub'];

test('pg is not loaded by lib/index.ts, the CLI or its help', async () => {
  const script = `
require('ts-node').register({ swc: true, transpileOnly: true });
const loaded = () => Object.keys(require.cache).some((k) => /node_modules\\/pg\\//.test(k));
const out = {};
require('./lib'); out.lib = loaded();
const { main } = require('./lib/cli/main'); out.cli = loaded();
(async () => {
  process.stdout.write = () => true;
  await main(['upgrade', 'cutover', '--help']); out.help = loaded();
  require('./lib/cli/upgrade/upgrade-command'); out.action = loaded();
  console.error(JSON.stringify(out));
})();`;
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { cwd: ROOT, timeout: 60_000, encoding: 'utf8' }, (e, _o, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(err)));
  });
  expect(JSON.parse(stderr.trim().split('\n').pop()!)).toEqual({ lib: false, cli: false, help: false, action: true });
});

test('options are checked before anything connects', async () => {
  const r = await runCli(['upgrade', 'status', '--source', 'postgres://x', '--target', 'postgres://y', ...names, '--max-lag', 'lots']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/"lots" is not a size\. Fix: write e\.g\. 16MB/);
});

test('an unreachable source: one line naming the side and the fix', async () => {
  const port = await freePort();
  const r = await runCli(['upgrade', 'status', '--source', `postgres://postgres@127.0.0.1:${port}/app`, '--target', `postgres://postgres@127.0.0.1:${port}/app`, ...names]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: cannot connect to the source: .*Fix: check the URL, the password \(PGPASSWORD or ~\/\.pgpass\)/);
});

describeWithBinaries(['postgres', 'initdb', 'pg_ctl'], 'against a real server without the upgrade', () => {
  let server: PgServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('status: not ready (exit 2), with every reason', async () => {
    const url = `postgres://postgres@127.0.0.1:${server!.port}/postgres`;
    const r = await runCli(['upgrade', 'status', '--source', url, '--target', url, ...names]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/publication upgrade_pub: missing/);
    expect(r.stdout).toMatch(/- publication upgrade_pub does not exist on the source\n\s+- subscription upgrade_sub does not exist on the target/);
    expect(r.stderr).toMatch(/error: not ready for cutover \(2 problem\(s\)\)/);
  });

  test('status: a published table without a replica identity is reported (its UPDATEs would fail on the source)', async () => {
    await server!.query("SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS nokey (v int); CREATE TABLE IF NOT EXISTS keyed (id int PRIMARY KEY)");
    await server!.query('CREATE PUBLICATION upgrade_pub FOR TABLE nokey, keyed');
    try {
      const url = `postgres://postgres@127.0.0.1:${server!.port}/postgres`;
      const r = await runCli(['upgrade', 'status', '--source', url, '--target', url, ...names]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/- table public\.nokey has no replica identity \(no primary key\): its UPDATEs and DELETEs fail on the source/);
      expect(r.stdout).not.toMatch(/public\.keyed has no replica identity/);
    } finally {
      await server!.query('DROP PUBLICATION upgrade_pub');
    }
  });

  test('cutover: refused (exit 2), nothing changed', async () => {
    const url = `postgres://postgres@127.0.0.1:${server!.port}/postgres`;
    const r = await runCli(['upgrade', 'cutover', '--source', url, '--target', url, ...names, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: cutover refused, nothing changed:\n\s+- publication upgrade_pub does not exist on the source/);
    expect(await server!.query("SELECT count(*) FROM pg_db_role_setting")).toBe('0');
  });
});
