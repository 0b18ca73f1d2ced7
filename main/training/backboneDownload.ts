/**
 * Downloading a pinned ImageNet backbone (native/models catalogue) as a job: the file is streamed
 * into `<home>/backbones` under a temporary name, its size and SHA-256 checked, its embedding cut
 * out of the classifier, checked in ONNX Runtime, and registered as RegisterBackbone registers a
 * file — plus where it came from. A failure removes the temporary file and leaves every backbone
 * already there as it was.
 *
 * LOUPE_BACKBONE_MIRROR (a base URL) fetches every file from a mirror instead, by its file name:
 * an air-gapped network can serve the pinned files itself, or a site copy them to a disk
 * (`file:///media/models/`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cutAtAveragePool,
  DOWNLOADABLE_BACKBONES,
  DownloadError,
  downloadPinned,
  downloadUrl,
  FeatureCutError,
  parseModelSpec,
  readBuiltBackbone,
  type ModelSpec,
  type PinnedBackbone,
} from '../../native/models';
import { decodeModel, encodeModel, OnnxDecodeError } from '../../native/onnx';
import type { DownloadableBackbone, OutputOf } from '../../preload/contract';
import type { DownloadBackboneInput } from '../../preload/contract/schemas';
import { perContext, type Context } from '../core/context';
import { apiError, codedError } from '../errors';
import { startJob } from '../jobs';
import { createLogger } from '../log';
import { registeredBackboneDir, saveBackbone } from './backbones';

const log = createLogger('backbones');

function catalogueOf(ctx: Context): readonly PinnedBackbone[] {
  return ctx.backboneDownloads?.catalogue ?? DOWNLOADABLE_BACKBONES;
}

function urlOf(ctx: Context, entry: PinnedBackbone): string {
  return downloadUrl(entry, ctx.backboneDownloads?.mirror ?? (process.env.LOUPE_BACKBONE_MIRROR || undefined));
}

/** Downloads running now, by backbone id → job id. */
const runningDownloads = perContext(() => new Map<string, number>());

async function isPresent(ctx: Context, id: string): Promise<boolean> {
  return (await readBuiltBackbone(registeredBackboneDir(ctx), id).catch(() => undefined)) !== undefined;
}

/** The spec a downloaded backbone is registered with. */
export function downloadedSpec(entry: PinnedBackbone, url: string, cutAt?: string): ModelSpec {
  return parseModelSpec({
    id: entry.id,
    title: entry.title,
    fileName: `${entry.id}.onnx`,
    input: entry.input,
    outputs: [{ name: entry.cut.output, size: entry.cut.size, role: 'final', pooling: 'global-average', ...(cutAt ? { sourceLayer: cutAt } : {}) }],
    licence: entry.licence,
    source: { kind: 'download', url, sha256: entry.sha256, ...(cutAt ? { cutAt } : {}) },
  });
}

export async function listDownloadableBackbones(ctx: Context): Promise<OutputOf<'ListDownloadableBackbones'>> {
  const downloads = runningDownloads(ctx);
  const Backbones = await Promise.all(
    catalogueOf(ctx).map(async (entry): Promise<DownloadableBackbone> => {
      const jobId = downloads.get(entry.id);
      return {
        Id: entry.id,
        Title: entry.title,
        Licence: entry.licence,
        Url: urlOf(ctx, entry),
        SizeBytes: entry.sizeBytes,
        Sha256: entry.sha256,
        InputWidth: entry.input.width,
        InputHeight: entry.input.height,
        EmbeddingSize: entry.cut.size,
        Present: await isPresent(ctx, entry.id),
        ...(jobId !== undefined ? { JobId: jobId } : {}),
      };
    }),
  );
  return { Backbones };
}

export async function downloadBackbone(ctx: Context, input: DownloadBackboneInput): Promise<OutputOf<'DownloadBackbone'>> {
  const entry = catalogueOf(ctx).find((candidate) => candidate.id === input.Id);
  if (!entry) {
    throw apiError('ResourceNotFoundException', `No downloadable backbone ${input.Id}; ListDownloadableBackbones lists them.`);
  }
  if (await isPresent(ctx, entry.id)) throw codedError('ResourceAlreadyExistsException', 'BackboneDownloaded', { id: entry.id });
  // No await from here to `downloads.set`: a second call sees the first one's job.
  const downloads = runningDownloads(ctx);
  if (downloads.has(entry.id)) throw codedError('ResourceInUseException', 'BackboneDownloading', { id: entry.id, job: downloads.get(entry.id)! });
  const url = urlOf(ctx, entry);
  const folder = registeredBackboneDir(ctx);
  const jobId = startJob(ctx, { kind: 'DownloadBackbone', input: { Id: entry.id } }, async (job) => {
    const partial = join(folder, partialName(entry.id));
    try {
      job.progress({ phase: 'downloading', done: 0, total: entry.sizeBytes });
      await mkdir(folder, { recursive: true });
      await removeLeftovers(folder, entry.id);
      log.info('backbone download started', { backbone: entry.id, url, job: job.id });
      try {
        await downloadPinned({
          url,
          dest: partial,
          sizeBytes: entry.sizeBytes,
          sha256: entry.sha256,
          signal: job.signal,
          ...(ctx.backboneDownloads?.idleTimeoutMs !== undefined ? { idleTimeoutMs: ctx.backboneDownloads.idleTimeoutMs } : {}),
          onProgress: (done, total) => job.progress({ done, total }),
        });
      } catch (error) {
        job.throwIfCancelled();
        if (error instanceof DownloadError) throw codedError('InvalidParameterException', 'BackboneDownloadFailed', { reason: error.message });
        throw error;
      }
      job.throwIfCancelled();

      job.progress({ phase: 'checking', message: 'cutting the embedding out of the classifier' });
      let cut;
      try {
        cut = cutAtAveragePool(decodeModel(await readFile(partial)), entry.cut, entry.input.name);
      } catch (error) {
        if (error instanceof FeatureCutError || error instanceof OnnxDecodeError) {
          throw codedError('InvalidParameterException', 'BackboneUnusable', { id: entry.id, reason: error.message });
        }
        throw error;
      }
      const spec = downloadedSpec(entry, url, cut.poolNode);
      job.throwIfCancelled();
      if (await isPresent(ctx, entry.id)) throw codedError('ResourceAlreadyExistsException', 'BackboneDownloaded', { id: entry.id });
      // The batch is made free by the cut: a run of one and of two images proves the graph allows it.
      await saveBackbone(ctx, spec, encodeModel(cut.model), { runBatches: [1, 2] });
      log.info('backbone downloaded', { backbone: entry.id, cutAt: cut.poolNode, prunedNodes: cut.prunedNodes, job: job.id });
      ctx.events.resourcesChanged();
      return { Code: 'BackboneDownloadDone', Params: { title: entry.title, id: entry.id } } as const;
    } finally {
      downloads.delete(entry.id);
      await rm(partial, { force: true });
    }
  });
  downloads.set(entry.id, jobId);
  return { JobId: jobId };
}

/** A download's file while it arrives: hidden, named by the backbone and a random UUID. */
function partialName(id: string): string {
  return `.${id}.${randomUUID()}.download`;
}

/** The backbone id in a partialName (ids may hold dots, so the UUID is matched whole). */
const PARTIAL = /^\.(.+)\.[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\.download$/;

/** Partial files of `id` that a download cut short by a crash left behind (none of them is running: one per id). */
async function removeLeftovers(folder: string, id: string): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => PARTIAL.exec(name)?.[1] === id).map((name) => rm(join(folder, name), { force: true })));
}
