/**
 * ImportAnnotations (COCO, Pascal VOC, YOLO, CSV → entries) and ExportDataset (entries → a Ground
 * Truth manifest, COCO, VOC, YOLO or CSV, with the images referenced where they are or copied
 * beside the annotations). Both run as jobs; an export writes each file atomically.
 */
import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { probeImage } from '../../native/preprocess';
import type { OutputOf } from '../../preload/contract';
import type { MessageRef } from '../../preload/contract/messages';
import type { ExportDatasetInput, ImportAnnotationsInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError, ServiceError } from '../errors';
import { writeAtomically } from '../files';
import { startJob } from '../jobs';
import type { EntryDraft } from '../db/entry';
import { listImageFiles } from './folders';
import {
  FormatFileError,
  parseBoxCsv,
  parseCoco,
  parseCsv,
  parseLabelListCsv,
  parseVocFolder,
  parseYolo,
  readYoloClassNames,
  toCoco,
  toCsv,
  toVoc,
  toYolo,
  type FormatImport,
} from './formats';
import { requireDataset, requireIdleDataset } from './guards';
import { startIngest } from './ingest';
import { toJsonLine } from './manifest/serialize';
import { createResolver } from './sources';

function absolute(path: string, field: string): string {
  if (!isAbsolute(path)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field, path });
  return resolve(path);
}

export function importAnnotations(ctx: Context, input: ImportAnnotationsInput): OutputOf<'ImportAnnotations'> {
  const dataset = requireIdleDataset(ctx, input.DatasetArn);
  const path = absolute(input.Path, 'Path');
  const isFolderFormat = input.Format === 'VOC' || input.Format === 'YOLO';
  const imagesFolder = input.ImagesFolder ? absolute(input.ImagesFolder, 'ImagesFolder') : isFolderFormat ? path : dirname(path);
  const jobId = startIngest(ctx, dataset, 'update', `Import${input.Format}`, async (job) => {
    job.progress({ phase: 'reading annotations' });
    const now = new Date(ctx.now()).toISOString();
    let parsed: FormatImport;
    try {
      parsed = await readAnnotations(input.Format, path, imagesFolder, dataset.type, now);
    } catch (error) {
      throw refusal(error, input.Format, path);
    }
    return {
      drafts: parsed.entries,
      labels: parsed.labels,
      dropped: parsed.problems.map((p) => ({ where: p.where, code: p.code, message: p.message })),
      resolver: createResolver(ctx, { baseFolder: imagesFolder }),
    };
  });
  return { JobId: jobId };
}

async function readAnnotations(
  format: ImportAnnotationsInput['Format'],
  path: string,
  imagesFolder: string,
  type: 'TRAIN' | 'TEST',
  now: string,
): Promise<FormatImport> {
  const fileName = basename(path);
  switch (format) {
    case 'COCO':
      return parseCoco(await readFile(path, 'utf8'), { imagesFolder, fileName, now });
    case 'VOC':
      return parseVocFolder(path, { imagesFolder, now });
    case 'CSV': {
      const text = await readFile(path, 'utf8');
      const header = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).toLowerCase();
      // Three shapes: image,label[,label…] with no header (the guide's), a header with a split
      // column (image,labels,split: each dataset takes its own split), or one box per row.
      if (/^\s*image\s*,\s*labels\s*,\s*split\s*$/.test(header)) {
        const list = parseLabelListCsv(text, { baseFolder: imagesFolder, fileName, now });
        return { ...list, entries: type === 'TRAIN' ? list.train : list.test };
      }
      if (/\bxmin\b/.test(header) && /\bymax\b/.test(header)) return parseBoxCsv(text, { imagesFolder, fileName, now });
      return parseCsv(text, { imagesFolder, fileName, now });
    }
    case 'YOLO': {
      const classNames = await readYoloClasses(path);
      const imageSizes = new Map<string, { width: number; height: number }>();
      for (const file of (await listImageFiles(imagesFolder)).files) {
        const probe = await probeImage(file);
        imageSizes.set(file, probe.ok ? { width: probe.width, height: probe.height } : { width: 0, height: 0 });
      }
      return parseYolo({ labelsFolder: path, imagesFolder, classNames, imageSizes, now });
    }
  }
}

async function readYoloClasses(labelsFolder: string): Promise<string[]> {
  for (const folder of [labelsFolder, dirname(labelsFolder)]) {
    for (const name of ['classes.txt', 'obj.names', 'data.yaml', 'data.yml']) {
      const text = await readFile(join(folder, name), 'utf8').catch(() => undefined);
      if (text !== undefined) return readYoloClassNames(text, name);
    }
  }
  throw codedError('InvalidParameterException', 'NoYoloClasses', { path: labelsFolder });
}

/**
 * Why the user's annotation file cannot be read, naming it by its full path (issue 15: a refusal
 * must say which file). Anything else is a bug and stays as it is.
 */
function refusal(error: unknown, format: ImportAnnotationsInput['Format'], path: string): unknown {
  if (error instanceof ServiceError) return error;
  if (error instanceof FormatFileError) {
    const reason = error.message.slice(error.fileName.length).replace(/^:\s*/, '');
    const file = isAbsolute(error.fileName) ? error.fileName : error.fileName === basename(path) ? path : join(path, error.fileName);
    // The reason's own code and parameters ride along, so the UI words the reason too (`reasonCode`).
    const params = { ...error.reason.Params, file, format, reason, reasonCode: error.reason.Code };
    return codedError('InvalidParameterException', 'AnnotationFileRefused', params, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return codedError('InvalidParameterException', 'FileNotFound', { path }, { cause: error });
  if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EPERM') {
    return codedError('InvalidParameterException', 'FileNotReadable', { path, reason: code }, { cause: error });
  }
  return error;
}

export function exportDataset(ctx: Context, input: ExportDatasetInput): OutputOf<'ExportDataset'> {
  const dataset = requireDataset(ctx, input.DatasetArn);
  const folder = absolute(input.Folder, 'Folder');
  const jobId = startJob(ctx, { kind: `Export${input.Format}`, resourceArn: dataset.arn, input }, async (job) => {
    await mkdir(folder, { recursive: true });
    const entries = q.allEntries(ctx.db, dataset.id);
    job.progress({ phase: 'writing', done: 0, total: entries.length });
    const imagePath = await placeImages(entries, folder, input.CopyImages ?? false, (done) => {
      job.throwIfCancelled();
      job.progress({ done });
    });
    const drafts = entries.map((e) => e.draft);
    const pathOf = (entry: EntryDraft) => imagePath.get(entry.sourceRef) ?? entry.sourceRef;
    const stem = dataset.type === 'TRAIN' ? 'train' : 'test';
    let skipped = 0;
    switch (input.Format) {
      case 'MANIFEST': {
        const lines = entries.map((e) =>
          JSON.stringify(
            toJsonLine(e.draft, {
              withErrors: false,
              ...(input.CopyImages ? { sourceRef: pathOf(e.draft) } : {}),
            }),
          ),
        );
        await writeAtomically(join(folder, `${stem}.manifest`), lines.length > 0 ? `${lines.join('\n')}\n` : '');
        break;
      }
      case 'COCO': {
        const coco = toCoco(drafts, { imagePathOf: pathOf });
        skipped = coco.skipped.length;
        await writeAtomically(join(folder, `${stem}.json`), coco.text);
        break;
      }
      case 'VOC':
        for (const draft of drafts) {
          const voc = toVoc(draft, { imagePathOf: pathOf });
          skipped += voc.skipped.length;
          await writeAtomically(join(folder, 'Annotations', `${basename(pathOf(draft)).replace(/\.[^.]+$/, '')}.xml`), voc.text);
        }
        break;
      case 'YOLO': {
        const yolo = toYolo(drafts, { imagePathOf: (d) => relativeLabelPath(pathOf(d)) });
        skipped = yolo.skipped.length;
        for (const file of yolo.files) await writeAtomically(join(folder, 'labels', file.path), file.text);
        await writeAtomically(join(folder, 'classes.txt'), yolo.classesText);
        break;
      }
      case 'CSV': {
        const csv = toCsv(drafts, { imagePathOf: pathOf });
        skipped = csv.skipped.length;
        await writeAtomically(join(folder, `${stem}.csv`), csv.text);
        break;
      }
    }
    const done: MessageRef =
      skipped > 0 ? { Code: 'ExportDoneWithSkipped', Params: { count: entries.length, folder, skipped } } : { Code: 'ExportDone', Params: { count: entries.length, folder } };
    return done;
  });
  return { JobId: jobId, Folder: folder };
}

/** YOLO label files mirror image paths under the images folder (labels/x.txt for images/x.jpg). */
function relativeLabelPath(imagePath: string): string {
  if (isAbsolute(imagePath) || imagePath.startsWith('s3://')) return basename(imagePath);
  return imagePath.replace(/^images\//, '');
}

/** Where each entry's image is referenced from the export: copied to images/ (unique names) or left in place. */
async function placeImages(
  entries: q.StoredEntry[],
  folder: string,
  copy: boolean,
  onProgress: (done: number) => void,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const taken = new Set((await readdir(join(folder, 'images')).catch(() => [])).map((n) => n.toLowerCase()));
  let done = 0;
  for (const entry of entries) {
    if (!copy || !entry.path) {
      paths.set(entry.sourceRef, entry.path ?? entry.sourceRef);
    } else {
      const name = uniqueName(basename(entry.path), taken);
      const target = join(folder, 'images', name);
      await mkdir(dirname(target), { recursive: true });
      if (!(await stat(target).catch(() => undefined))) await copyFile(entry.path, target);
      paths.set(entry.sourceRef, relative(folder, target).split(sep).join('/'));
    }
    onProgress(++done);
  }
  return paths;
}

function uniqueName(name: string, taken: Set<string>): string {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
