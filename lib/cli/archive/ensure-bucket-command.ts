/** The `archive ensure-bucket` action. Loaded on demand: it pulls in the S3 client. */
import { CliError } from '../cli-error';
import { BucketSettings } from './bucket-defaults';
import { ensureBucket, SettingOutcome, SettingResult } from './ensure-bucket';
import { ConnectionFlags, connectionFrom } from './options';
import { createS3Client, describeEndpoint } from './s3-connection';
import { parseS3Location } from './s3-location';

export interface EnsureBucketFlags extends ConnectionFlags {
  readonly retentionDays: number;
  readonly kmsKeyId?: string;
  readonly dryRun?: boolean;
  readonly strict?: boolean;
  readonly json?: boolean;
}

/** With --strict, settings the endpoint does not implement fail the command. */
const NOT_SUPPORTED_EXIT_CODE = 4;

export async function runEnsureBucket(bucketArg: string, flags: EnsureBucketFlags, out: (text: string) => void): Promise<void> {
  const { bucket } = parseS3Location(bucketArg, 'bucket', true);
  const connection = connectionFrom(flags);
  const client = createS3Client(connection);
  try {
    const settings: BucketSettings = { retentionDays: flags.retentionDays, kmsKeyId: flags.kmsKeyId };
    const region = await client.config.region();
    const results = await ensureBucket(client, { bucket, region, settings, dryRun: flags.dryRun, connection });
    out(flags.json
      ? `${JSON.stringify({ bucket, endpoint: describeEndpoint(connection), dryRun: !!flags.dryRun, settings: results }, null, 2)}\n`
      : formatResults(bucket, results));
    const unsupported = results.filter((r) => r.outcome === SettingOutcome.NOT_SUPPORTED).map((r) => r.setting);
    if (unsupported.length > 0) {
      const msg = `${describeEndpoint(connection)} does not implement ${unsupported.join(', ')}: set them by other means or use an endpoint that does`;
      if (flags.strict) throw new CliError(msg, NOT_SUPPORTED_EXIT_CODE);
      process.stderr.write(`warning: ${msg}\n`);
    }
  } finally {
    client.destroy();
  }
}

function formatResults(bucket: string, results: SettingResult[]): string {
  const lines = results.map((r) => {
    const was = r.previous !== undefined && r.outcome !== SettingOutcome.ALREADY_SET ? `; was: ${r.previous}` : '';
    return `${r.setting}: ${r.outcome} (${r.detail}${was})`;
  });
  const changed = results.filter((r) => r.outcome === SettingOutcome.APPLIED || r.outcome === SettingOutcome.CREATED).length;
  lines.push(`${bucket}: ${changed === 0 ? 'nothing changed' : `${changed} change(s)`}`);
  return `${lines.join('\n')}\n`;
}
