/**
 * CreateDataset's sources: a Ground Truth manifest (`s3://bucket/key` through a bucket mapping)
 * or a copy of another dataset. Both run as jobs while the dataset is CREATE_IN_PROGRESS.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { DatasetFileError, startIngest } from './ingest';
import { DATASET_LIMITS } from './limits';
import { parseManifestText } from './entries';
import { createResolver } from './sources';
import { startJob } from '../jobs';

export function startManifestImport(ctx: Context, dataset: q.DatasetRow, s3Object: { Bucket: string; Name: string }): number {
  return startIngest(ctx, dataset, 'create', 'ImportManifest', async (job) => {
    job.progress({ phase: 'reading the manifest' });
    const resolver = createResolver(ctx);
    const manifest = `s3://${s3Object.Bucket}/${s3Object.Name}`;
    const resolved = resolver.resolve(manifest);
    if (!resolved.ok) throw new DatasetFileError('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT', resolved.reason, manifest);
    const info = await stat(resolved.path).catch(() => undefined);
    if (!info?.isFile() || extname(resolved.path) === '') {
      throw new DatasetFileError('ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT', `${s3Object.Name} is not a readable manifest file.`, manifest);
    }
    if (info.size > DATASET_LIMITS.maxManifestBytes) throw new DatasetFileError('ERROR_MANIFEST_SIZE_TOO_LARGE', undefined, manifest);
    const text = await readFile(resolved.path, 'utf8').catch((error: unknown) => {
      throw new DatasetFileError('ERROR_INVALID_PERMISSIONS_MANIFEST_S3_BUCKET', String(error), manifest);
    });
    const parsed = parseManifestText(text);
    if (parsed.drafts.length === 0 && parsed.dropped.length === 0) throw new DatasetFileError('ERROR_MANIFEST_EMPTY', undefined, manifest);
    // A left-out line is named with its manifest, so the report says which file to open.
    const dropped = parsed.dropped.map((line) => ({ ...line, where: `${manifest}: ${line.where}` }));
    return { ...parsed, dropped, resolver: createResolver(ctx, { baseFolder: dirname(resolved.path) }), manifestRules: true };
  });
}

/** Copy entries, labels and errors as they are; the images are shared, not copied. */
export function startDatasetCopy(ctx: Context, from: q.DatasetRow, to: q.DatasetRow): number {
  q.setDatasetStatus(ctx.db, to.id, 'CREATE_IN_PROGRESS', '', 'SUCCESS', ctx.now());
  const project = q.findProjectById(ctx.db, to.projectId);
  const changed = () => ctx.events.resourcesChanged(to.arn, ...(project ? [project.arn] : []));
  changed();
  return startJob(
    ctx,
    {
      kind: 'CopyDataset',
      resourceArn: to.arn,
      onFailure: (error) => {
        q.setDatasetStatus(ctx.db, to.id, 'CREATE_FAILED', error instanceof Error ? error.message : String(error), 'SERVICE_ERROR', ctx.now());
        changed();
      },
    },
    async (job) => {
      const nowMs = ctx.now();
      const total = q.countEntries(ctx.db, from.id);
      transaction(ctx.db, () => {
        q.ensureLabels(ctx.db, to.id, q.listLabelNames(ctx.db, from.id), nowMs);
        let afterId: number | undefined;
        let done = 0;
        for (;;) {
          const page = q.listEntries(ctx.db, from.id, { ...(afterId === undefined ? {} : { afterId }), limit: 500 });
          for (const row of page) q.putEntry(ctx.db, to.id, row.draft, row, nowMs);
          done += page.length;
          job.progress({ phase: 'copying', done, total });
          if (page.length < 500) break;
          afterId = page.at(-1)!.id;
        }
      });
      const message = `${total} entries copied from ${from.arn}.`;
      q.setDatasetStatus(ctx.db, to.id, 'CREATE_COMPLETE', message, 'SUCCESS', ctx.now());
      changed();
      return message;
    },
  );
}
