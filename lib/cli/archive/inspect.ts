/**
 * `archive inspect`: lists a Barman Cloud archive, reads the few small objects that matter
 * (backup.info files, the newest timeline's history file) and analyzes what can be restored.
 */
import { gunzipSync } from 'zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { analyzeArchive, ArchiveAnalysis } from './archive-analysis';
import { BackupInfo, parseBackupInfo } from './backup-info';
import { classifyArchive, HistoryObject, targetTimeline } from './barman-layout';
import { listArchive } from './list-archive';
import { ListingProgress } from './progress';
import { S3ConnectionOptions } from './s3-connection';
import { toCliError } from './s3-errors';
import { S3Location, serverFolder } from './s3-location';
import { WalGeometry } from './wal-segment';

export interface InspectOptions {
  readonly location: S3Location;
  readonly serverName: string;
  readonly connection: S3ConnectionOptions;
  readonly geometry: WalGeometry;
  readonly maxBackupAgeMs: number;
  readonly maxWalAgeMs: number;
  readonly progressEvery: number;
  readonly progressIntervalMs: number;
  /** ListObjectsV2 MaxKeys (S3 answers at most 1000). */
  readonly pageSize?: number;
  /** Progress lines go here (stderr); undefined for none. */
  readonly progress?: (line: string) => void;
  readonly now?: () => Date;
}

export interface InspectResult {
  /** `s3://bucket/prefix/server/` */
  readonly archiveUrl: string;
  readonly objectsListed: number;
  readonly pages: number;
  readonly analysis: ArchiveAnalysis;
}

const READ_CONCURRENCY = 8;

export async function inspectArchive(client: S3Client, opts: InspectOptions): Promise<InspectResult> {
  const { bucket } = opts.location;
  const folder = serverFolder(opts.location, opts.serverName);
  const progress = new ListingProgress({
    every: opts.progressEvery,
    intervalMs: opts.progressIntervalMs,
    write: opts.progress ?? (() => undefined),
  });

  let listing;
  try {
    listing = await listArchive(client, bucket, folder, progress, opts.pageSize);
  } catch (err) {
    throw toCliError(err, 'ListObjectsV2', bucket, opts.connection);
  }
  const layout = classifyArchive(listing.objects, opts.geometry);

  const readText = async (relativeKey: string): Promise<Buffer> => {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: folder + relativeKey }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      throw toCliError(err, `GetObject ${folder + relativeKey}`, bucket, opts.connection);
    }
  };

  const withInfo = layout.backups.filter((b) => b.infoKey);
  const backupInfos: BackupInfo[] = [];
  for (let i = 0; i < withInfo.length; i += READ_CONCURRENCY) {
    const batch = withInfo.slice(i, i + READ_CONCURRENCY);
    const texts = await Promise.all(batch.map((b) => readText(b.infoKey!)));
    batch.forEach((b, j) => backupInfos.push(parseBackupInfo(b.backupId, texts[j].toString('utf8'))));
  }

  const target = targetTimeline(layout);
  const historyObj = target === undefined ? undefined : layout.histories.find((h) => h.timeline === target);
  const targetHistory = historyObj ? await readHistory(historyObj, readText) : undefined;

  const analysis = analyzeArchive({
    layout,
    backupInfos,
    targetHistory,
    geometry: opts.geometry,
    now: opts.now ? opts.now() : new Date(),
    maxBackupAgeMs: opts.maxBackupAgeMs,
    maxWalAgeMs: opts.maxWalAgeMs,
  });
  if (listing.objects.length === 0) {
    analysis.notes.push(`nothing is archived under s3://${bucket}/${folder}: check the destination URL and the server name`);
  }
  return { archiveUrl: `s3://${bucket}/${folder}`, objectsListed: listing.objects.length, pages: listing.pages, analysis };
}

/** History text; gzip is read here, the other compressions are not in Node's zlib. */
async function readHistory(obj: HistoryObject, readText: (key: string) => Promise<Buffer>): Promise<{ text?: string; unreadable?: string }> {
  if (obj.compression && obj.compression !== 'gz') return { unreadable: `${obj.compression} compression` };
  const raw = await readText(obj.key);
  try {
    return { text: (obj.compression === 'gz' ? gunzipSync(raw) : raw).toString('utf8') };
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
}
