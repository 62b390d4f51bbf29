/** Lists every object under a prefix with ListObjectsV2 continuation tokens (the SDK paginator). */
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { ArchiveObject } from './barman-layout';
import { ListingProgress } from './progress';

export interface ListResult {
  readonly objects: ArchiveObject[];
  readonly pages: number;
}

/** Keys are returned relative to `prefix`. */
export async function listArchive(client: S3Client, bucket: string, prefix: string, progress: ListingProgress, pageSize = 1000): Promise<ListResult> {
  const objects: ArchiveObject[] = [];
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client, pageSize }, { Bucket: bucket, Prefix: prefix })) {
    pages++;
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      objects.push({ key: o.Key.slice(prefix.length), size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
    }
    progress.update(objects.length);
  }
  progress.finish(objects.length, pages);
  return { objects, pages };
}
