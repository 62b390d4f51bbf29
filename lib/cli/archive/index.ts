import type { Command } from 'commander';
import { DEFAULT_RETENTION_DAYS } from './bucket-defaults';
import { addConnectionOptions, durationOption, intOption } from './options';
import { DEFAULT_WAL_SEGMENT_SIZE_MB } from './wal-segment';

const stdout = (text: string): void => {
  process.stdout.write(text);
};

/** Registers `archive …` subcommands. Heavy dependencies (the S3 client) load inside actions only. */
export function registerArchiveCommands(program: Command): void {
  const archive = program
    .command('archive')
    .description('Barman Cloud WAL archives in S3: bucket set-up and health. Credentials: the standard AWS chain (env, profile, web identity, instance role)');

  addConnectionOptions(
    archive
      .command('ensure-bucket')
      .description('create the archive bucket if missing and set versioning, default encryption, the public access block and the lifecycle rule (idempotent)')
      .argument('<bucket>', 'bucket name or s3://bucket'),
  )
    .addOption(intOption('--retention-days <days>', 'days backups are kept; noncurrent versions expire 7 days later', DEFAULT_RETENTION_DAYS))
    .option('--kms-key-id <key>', 'default encryption aws:kms with this key (default: AES256)')
    .option('--dry-run', 'only report what would change')
    .option('--strict', 'exit 4 when the endpoint does not implement a setting')
    .option('--json', 'JSON output')
    .action(async (bucket: string, flags) => {
      const { runEnsureBucket } = await import('./ensure-bucket-command');
      await runEnsureBucket(bucket, flags, stdout);
    });

  addConnectionOptions(
    archive
      .command('inspect')
      .description('report the recoverable window, backup and WAL ages and WAL gaps; exit 0 ok, 1 error, 2 stale, 3 gap')
      .argument('<destination-url>', 's3://bucket/prefix, as given to barman-cloud')
      .argument('<server-name>', 'barman server name (the folder under the prefix)'),
  )
    .addOption(durationOption('--max-backup-age <duration>', 'stale when the newest base backup is older', '26h'))
    .addOption(durationOption('--max-wal-age <duration>', 'stale when the newest WAL segment is older', '10m'))
    .addOption(intOption('--wal-segment-size <MB>', 'WAL segment size of the cluster', DEFAULT_WAL_SEGMENT_SIZE_MB))
    .addOption(intOption('--progress-every <objects>', 'progress line on stderr after this many more objects', 5000))
    .addOption(durationOption('--progress-interval <duration>', 'at most one progress line per interval', '1s'))
    .addOption(intOption('--page-size <keys>', 'keys per ListObjectsV2 request (S3 answers at most 1000)', 1000))
    .option('--quiet', 'no progress lines')
    .option('--json', 'JSON output')
    .action(async (destination: string, serverName: string, flags) => {
      const { runInspect } = await import('./inspect-command');
      await runInspect(destination, serverName, flags, stdout);
    });
}
