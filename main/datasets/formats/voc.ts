/**
 * Pascal VOC XML (one file per image) ↔ entries.
 *
 * Coordinates are kept exactly as written: left = xmin, top = ymin, width = xmax − xmin,
 * height = ymax − ymin. VOC's devkit counts pixels from 1 and treats xmax as inclusive, but the
 * tools that write these files (LabelImg, Roboflow and most converters) use 0-based edges, so no
 * pixel is added or removed; an export followed by an import gives back the same numbers.
 *
 * `<size><depth>` is not trusted (neu-det writes 1 for 3-channel files): entries get depth 3, and
 * the image itself is probed on import. `<filename>` may lack its extension (174 neu-det files);
 * the image is then found by stem among .jpg/.jpeg/.png. `difficult`, `truncated` and `pose` are
 * not kept.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { EntryDraft, ImageSize } from '../../db/entry';
import {
  boxMeta,
  checkBox,
  EntryIndex,
  FormatFileError,
  makeBox,
  NameList,
  sourceRefUnder,
  type ExportSkip,
  type FormatImport,
  type ImportMetaOptions,
  type ImportProblem,
} from './shared';
import { childElement, childElements, childText, escapeXml, parseXml, type XmlElement } from './xml';

/** Extensions tried, in this order, when `<filename>` has none or names no existing file. */
export const VOC_IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'] as const;

export interface VocImportOptions extends ImportMetaOptions {
  /** The folder the images are in. */
  imagesFolder: string;
  /** The XML file's name: named in problems, and its stem finds an image when `<filename>` does not. */
  fileName?: string;
  /**
   * The names of the files in `imagesFolder`. With it, an image is matched exactly, then ignoring
   * case, then by stem; without it, `<filename>` is taken as written and must have an extension.
   */
  imageFiles?: ReadonlySet<string>;
}

export function parseVoc(xmlText: string, options: VocImportOptions): FormatImport {
  const fileName = options.fileName ?? 'VOC XML';
  let root: XmlElement;
  try {
    root = parseXml(xmlText);
  } catch (cause) {
    throw new FormatFileError(fileName, { Code: 'VocNotXml', Params: { cause: (cause as Error).message } }, { cause });
  }
  if (root.name !== 'annotation') {
    throw new FormatFileError(fileName, { Code: 'VocWrongRoot', Params: { root: root.name } });
  }
  const problems: ImportProblem[] = [];
  const problem = (where: string, code: ImportProblem['code'], message: string) =>
    problems.push({ where: where === '' ? fileName : `${fileName}: ${where}`, code, message });

  const written = childText(root, 'filename') ?? '';
  const xmlStem = options.fileName ? stemOf(basename(options.fileName)) : '';
  const image = findImage(written, xmlStem, options.imageFiles);
  if (image === undefined) {
    const named = written === '' ? 'has no <filename>' : `names ${written}`;
    problem('', 'IMAGE_NOT_FOUND', `The annotation ${named}, and no image with that name or the stem "${xmlStem}" is in the images folder; it was left out.`);
    return { entries: [], labels: [], problems };
  }

  const entry: EntryDraft = { sourceRef: sourceRefUnder(options.imagesFolder, image), labels: [], boxes: [], errors: [] };
  const imageSize = readSize(root);
  if (imageSize) entry.imageSize = imageSize;
  else problem('<size>', 'MISSING_IMAGE_SIZE', `${image} has no usable <size>; the size will be read from the image.`);

  const labels = new NameList();
  const meta = boxMeta(options.now);
  childElements(root, 'object').forEach((object, index) => {
    const name = childText(object, 'name') ?? '';
    const where = `object ${index + 1}${name === '' ? '' : ` (${name})`}`;
    const box = childElement(object, 'bndbox');
    if (name === '' || !box) {
      problem(where, 'MALFORMED_RECORD', `The object needs a <name> and a <bndbox>; it was left out.`);
      return;
    }
    const [xmin, ymin, xmax, ymax] = (['xmin', 'ymin', 'xmax', 'ymax'] as const).map((key) => readNumber(childText(box, key)));
    const checked = checkBox(xmin, ymin, xmax! - xmin!, ymax! - ymin!);
    if (!checked.ok) {
      problem(where, checked.code, checked.message);
      return;
    }
    labels.add(name);
    entry.boxes.push(makeBox(name, checked.box, meta));
  });
  return { entries: [entry], labels: labels.names, problems };
}

export interface VocFolderOptions extends ImportMetaOptions {
  imagesFolder: string;
}

/**
 * Every `*.xml` directly in `annotationsFolder`, in natural name order. A file that is not
 * readable VOC is one problem, not the end of the import; two files for the same image are merged.
 */
export async function parseVocFolder(annotationsFolder: string, options: VocFolderOptions): Promise<FormatImport> {
  const xmlFiles = (await listFiles(annotationsFolder)).filter((name) => name.toLowerCase().endsWith('.xml'));
  const imageFiles = new Set(await listFiles(options.imagesFolder));
  const index = new EntryIndex();
  const labels = new NameList();
  const problems: ImportProblem[] = [];
  const now = options.now ?? new Date().toISOString();
  for (const name of xmlFiles) {
    const path = join(annotationsFolder, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      problems.push({ where: name, code: 'UNREADABLE_FILE', message: `The file cannot be read (${(error as Error).message}); it was left out.` });
      continue;
    }
    let result: FormatImport;
    try {
      result = parseVoc(text, { imagesFolder: options.imagesFolder, fileName: name, imageFiles, now });
    } catch (error) {
      if (!(error instanceof FormatFileError)) throw error;
      problems.push({ where: name, code: 'UNREADABLE_FILE', message: `${error.message} The file was left out.` });
      continue;
    }
    problems.push(...result.problems);
    result.labels.forEach((label) => labels.add(label));
    for (const entry of result.entries) {
      const existing = index.get(entry.sourceRef);
      if (existing) {
        existing.boxes.push(...entry.boxes);
        problems.push({ where: name, code: 'DUPLICATE_IMAGE', message: `Another annotation file already describes ${basename(entry.sourceRef)}; the boxes were merged.` });
      } else {
        index.add(entry);
      }
    }
  }
  return { entries: index.entries, labels: labels.names, problems };
}

export interface VocExportOptions {
  /** What `<filename>` says; VOC readers expect the image's name in its folder. */
  imagePathOf: (entry: EntryDraft) => string;
  /** Written as `<folder>` when given. */
  folder?: string;
}

/**
 * One entry → one VOC XML file. Image-level labels have no place in VOC and are listed in
 * `skipped`; `<size>` is left out when the entry's size is unknown.
 */
export function toVoc(entry: EntryDraft, options: VocExportOptions): { text: string; skipped: ExportSkip[] } {
  const lines = ['<annotation>'];
  const element = (indent: number, name: string, value: string | number) =>
    lines.push(`${'\t'.repeat(indent)}<${name}>${escapeXml(String(value))}</${name}>`);
  if (options.folder !== undefined) element(1, 'folder', options.folder);
  element(1, 'filename', options.imagePathOf(entry));
  lines.push('\t<source>');
  element(2, 'database', 'Loupe');
  lines.push('\t</source>');
  if (entry.imageSize) {
    lines.push('\t<size>');
    element(2, 'width', entry.imageSize.width);
    element(2, 'height', entry.imageSize.height);
    element(2, 'depth', entry.imageSize.depth);
    lines.push('\t</size>');
  }
  element(1, 'segmented', 0);
  for (const box of entry.boxes) {
    lines.push('\t<object>');
    element(2, 'name', box.name);
    element(2, 'pose', 'Unspecified');
    element(2, 'truncated', 0);
    element(2, 'difficult', 0);
    lines.push('\t\t<bndbox>');
    element(3, 'xmin', box.left);
    element(3, 'ymin', box.top);
    element(3, 'xmax', box.left + box.width);
    element(3, 'ymax', box.top + box.height);
    lines.push('\t\t</bndbox>');
    lines.push('\t</object>');
  }
  lines.push('</annotation>', '');
  const skipped = entry.labels.map(
    (label): ExportSkip => ({ sourceRef: entry.sourceRef, kind: 'label', name: label.name, reason: 'Pascal VOC has no image-level labels.' }),
  );
  return { text: lines.join('\n'), skipped };
}

function findImage(written: string, xmlStem: string, imageFiles: ReadonlySet<string> | undefined): string | undefined {
  if (!imageFiles) return written !== '' && extname(written) !== '' ? written : undefined;
  const lookup = (name: string): string | undefined => {
    if (name === '') return undefined;
    if (imageFiles.has(name)) return name;
    const lower = name.toLowerCase();
    for (const file of imageFiles) if (file.toLowerCase() === lower) return file;
    return undefined;
  };
  const exact = lookup(written) ?? lookup(basename(written));
  if (exact) return exact;
  const stems = [...new Set([stemOf(basename(written)), basename(written), xmlStem])].filter((stem) => stem !== '');
  for (const stem of stems) {
    for (const extension of VOC_IMAGE_EXTENSIONS) {
      const found = lookup(`${stem}${extension}`);
      if (found) return found;
    }
  }
  return undefined;
}

function stemOf(name: string): string {
  const extension = extname(name);
  return extension === '' ? name : name.slice(0, -extension.length);
}

function readSize(root: XmlElement): ImageSize | undefined {
  const size = childElement(root, 'size');
  if (!size) return undefined;
  const width = readNumber(childText(size, 'width'));
  const height = readNumber(childText(size, 'height'));
  return Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0 ? { width, height, depth: 3 } : undefined;
}

/** `Number('')` is 0; a missing or empty element must read as not-a-number instead. */
function readNumber(text: string | undefined): number {
  return text === undefined || text === '' ? Number.NaN : Number(text);
}

async function listFiles(folder: string): Promise<string[]> {
  let dirents;
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch (cause) {
    throw new FormatFileError(folder, { Code: 'FolderUnreadable', Params: { cause: (cause as Error).message } }, { cause });
  }
  return dirents
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
