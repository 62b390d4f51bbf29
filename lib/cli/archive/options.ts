/** Option parsing shared by the archive commands. Light: no SDK here (index.ts loads it for --help). */
import { Command, InvalidArgumentError, Option } from 'commander';
import ms from 'ms';

/** `26h`, `10m`, `90s`, `2d` (the `ms` package's syntax) → milliseconds. */
export function parseDurationOption(value: string): number {
  const parsed = /^\d/.test(value.trim()) ? ms(value.trim() as ms.StringValue) : undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not a duration. Fix: write e.g. 90s, 10m, 26h or 7d`);
  }
  return parsed;
}

export function parsePositiveIntOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not a positive whole number`);
  }
  return n;
}

/** Options every archive command takes to reach the bucket. */
export interface ConnectionFlags {
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'S3-compatible endpoint (MinIO, Ceph, s3rver…); the AWS endpoint of the region when omitted')
    .option('--region <region>', 'region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)')
    .option('--force-path-style', 'path-style URLs (default: on with --endpoint-url, off for AWS)')
    .option('--no-force-path-style', 'virtual-host-style URLs even with --endpoint-url');
}

/** Path style defaults to on for custom endpoints: most S3-compatible servers need it. */
export function connectionFrom(flags: ConnectionFlags): { endpointUrl?: string; region?: string; forcePathStyle: boolean } {
  return {
    endpointUrl: flags.endpointUrl,
    region: flags.region,
    forcePathStyle: flags.forcePathStyle ?? flags.endpointUrl !== undefined,
  };
}

export function durationOption(flags: string, description: string, defaultText: string): Option {
  return new Option(flags, description).argParser(parseDurationOption).default(parseDurationOption(defaultText), defaultText);
}

export function intOption(flags: string, description: string, defaultValue: number): Option {
  return new Option(flags, description).argParser(parsePositiveIntOption).default(defaultValue);
}
