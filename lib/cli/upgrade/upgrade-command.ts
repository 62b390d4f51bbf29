/** The `upgrade` actions. Loaded on demand: they pull in pg. */
import { spawn } from 'child_process';
import { Client } from 'pg';
import { CliError } from '../cli-error';
import { cutover, CutoverError, cutoverText } from './cutover';
import { collectStatus, statusText } from './upgrade-status';

interface CommonFlags {
  readonly source: string;
  readonly target: string;
  readonly publication: string;
  readonly subscription: string;
  readonly maxLag: number;
  readonly json?: boolean;
}

export interface StatusFlags extends CommonFlags {
  readonly count: boolean;
}

export interface CutoverFlags extends CommonFlags {
  readonly lockTimeout: number;
  readonly catchUpTimeout: number;
  readonly verifyCounts: boolean;
  readonly sequenceGap: number;
  readonly switchCommand?: string;
  readonly through?: string;
  readonly terminate: boolean;
  readonly dropSubscription?: boolean;
}

/** Opens a connection; a failure names the side and the fix. */
export async function connect(connectionString: string, side: string): Promise<Client> {
  const client = new Client({ connectionString, application_name: 'ha-postgres-upgrade', connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new CliError(`cannot connect to the ${side}: ${(e as Error).message}. Fix: check the URL, the password (PGPASSWORD or ~/.pgpass) and that the host is reachable (e.g. kubectl port-forward svc/<cluster>-rw 5432)`);
  }
  return client;
}

export async function runStatus(flags: StatusFlags, out: (text: string) => void): Promise<void> {
  const source = await connect(flags.source, 'source');
  try {
    const target = await connect(flags.target, 'target');
    try {
      const status = await collectStatus(source, target, { publication: flags.publication, subscription: flags.subscription, maxLagBytes: flags.maxLag, countRows: flags.count });
      out(flags.json ? `${JSON.stringify(status, null, 2)}\n` : statusText(status));
      if (status.problems.length > 0) throw new CliError(`not ready for cutover (${status.problems.length} problem(s))`, 2);
    } finally {
      await target.end().catch(() => undefined);
    }
  } finally {
    await source.end().catch(() => undefined);
  }
}

/** Runs `command` in a shell, output passed through; rejects on a non-zero exit. */
function runShell(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`--switch-command exited with ${signal ?? code}`))));
  });
}

export async function runCutover(flags: CutoverFlags, out: (text: string) => void): Promise<void> {
  const opened: Client[] = [];
  try {
    const source = await connect(flags.source, 'source');
    opened.push(source);
    const sourceLock = await connect(flags.source, 'source');
    opened.push(sourceLock);
    const target = await connect(flags.target, 'target');
    opened.push(target);
    const report = await cutover({ source, sourceLock, target, connect: (url) => connect(url, 'pools (--through)') }, {
      publication: flags.publication,
      subscription: flags.subscription,
      maxLagBytes: flags.maxLag,
      lockTimeoutMs: flags.lockTimeout,
      catchUpTimeoutMs: flags.catchUpTimeout,
      verifyCounts: flags.verifyCounts,
      sequenceGap: flags.sequenceGap,
      terminateSourceSessions: flags.terminate,
      dropSubscription: flags.dropSubscription ?? false,
      through: flags.through,
    }, {
      switchPools: flags.switchCommand ? () => runShell(flags.switchCommand as string) : undefined,
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : cutoverText(report));
    if (report.throughReachesTarget === false) throw new CliError('the pools do not reach the target yet (--through)', 1);
  } catch (e) {
    if (e instanceof CutoverError) throw new CliError(e.message, e.changed ? 1 : 2);
    throw e;
  } finally {
    for (const c of opened) await c.end().catch(() => undefined);
  }
}
