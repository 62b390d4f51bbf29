/** The `archive inspect` action. Loaded on demand: it pulls in the S3 client. */
import { CliError } from '../cli-error';
import { InspectExitCode } from './archive-analysis';
import { inspectArchive } from './inspect';
import { inspectReportJson, inspectReportText } from './inspect-report';
import { ConnectionFlags, connectionFrom } from './options';
import { createS3Client } from './s3-connection';
import { parseS3Location } from './s3-location';
import { WalGeometry } from './wal-segment';

export interface InspectFlags extends ConnectionFlags {
  readonly maxBackupAge: number;
  readonly maxWalAge: number;
  readonly walSegmentSize: number;
  readonly progressEvery: number;
  readonly progressInterval: number;
  readonly pageSize: number;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

export async function runInspect(destination: string, serverName: string, flags: InspectFlags, out: (text: string) => void): Promise<void> {
  const location = parseS3Location(destination, 'destination');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(serverName)) {
    throw new CliError(`server name ${JSON.stringify(serverName)} is not a barman server name. Fix: use the name given to barman-cloud (the cluster name with CloudNativePG)`);
  }
  let geometry: WalGeometry;
  try {
    geometry = new WalGeometry(flags.walSegmentSize);
  } catch (e) {
    throw new CliError(`--wal-segment-size: ${(e as Error).message}`);
  }
  const connection = connectionFrom(flags);
  const client = createS3Client(connection);
  try {
    const result = await inspectArchive(client, {
      location,
      serverName,
      connection,
      geometry,
      maxBackupAgeMs: flags.maxBackupAge,
      maxWalAgeMs: flags.maxWalAge,
      progressEvery: flags.progressEvery,
      progressIntervalMs: flags.progressInterval,
      pageSize: flags.pageSize,
      progress: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    out(flags.json ? `${JSON.stringify(inspectReportJson(result), null, 2)}\n` : inspectReportText(result));
    const a = result.analysis;
    if (a.exitCode === InspectExitCode.GAP) throw new CliError(`the archive cannot be restored without loss: ${a.problems.join('; ')}`, a.exitCode);
    if (a.exitCode === InspectExitCode.STALE) throw new CliError(`the archive is stale: ${a.stale.join('; ')}`, a.exitCode);
  } finally {
    client.destroy();
  }
}
