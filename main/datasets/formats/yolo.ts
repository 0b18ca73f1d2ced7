/**
 * YOLO TXT labels ↔ entries. One `.txt` per image, one line per box: `class cx cy w h`, the centre
 * and size as fractions of the image's width and height. Converting to pixels needs each image's
 * size, which the caller probes and passes in; the converter never opens an image.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BoxLabel, EntryDraft } from '../../db/entry';
import {
  boxMeta,
  checkBox,
  FormatFileError,
  makeBox,
  type ExportSkip,
  type FormatImport,
  type ImportMetaOptions,
  type ImportProblem,
} from './shared';

/** Class-name files that sit among the label files and are not labels themselves. */
const CLASS_FILES = new Set(['classes.txt', 'obj.names']);

export interface YoloImportOptions extends ImportMetaOptions {
  /** Holds `<image stem>.txt`, mirroring the image's subfolders under `imagesFolder`. */
  labelsFolder: string;
  imagesFolder: string;
  /** Class index → name (see readYoloClassNames). */
  classNames: readonly string[];
  /**
   * One entry per image, in this order: the image's path (absolute, or relative to
   * `imagesFolder`) → its size in pixels.
   */
  imageSizes: ReadonlyMap<string, { width: number; height: number }>;
}

export async function parseYolo(options: YoloImportOptions): Promise<FormatImport> {
  const labelFiles = await listTextFiles(options.labelsFolder);
  const used = new Set<string>();
  const entries: EntryDraft[] = [];
  const problems: ImportProblem[] = [];
  const now = options.now ?? new Date().toISOString();
  for (const [imagePath, size] of options.imageSizes) {
    const absolute = resolve(options.imagesFolder, imagePath);
    const entry: EntryDraft = { sourceRef: absolute, labels: [], boxes: [], errors: [] };
    const sized = isPositive(size.width) && isPositive(size.height);
    if (sized) entry.imageSize = { width: size.width, height: size.height, depth: 3 };
    entries.push(entry);

    const labelFile = labelFileFor(options.imagesFolder, absolute);
    if (!labelFiles.has(labelFile)) continue;
    used.add(labelFile);
    const where = labelFile.split(sep).join('/');
    let text: string;
    try {
      text = await readFile(join(options.labelsFolder, labelFile), 'utf8');
    } catch (error) {
      problems.push({ where, code: 'UNREADABLE_FILE', message: `The label file cannot be read (${(error as Error).message}); the image is unlabeled.` });
      continue;
    }
    if (!sized) {
      if (text.trim() !== '') {
        problems.push({ where, code: 'MISSING_IMAGE_SIZE', message: `The image has no usable size, so its boxes cannot be placed; they were left out.` });
      }
      continue;
    }
    const parsed = parseYoloLabels(text, { fileName: where, classNames: options.classNames, imageSize: size, now });
    entry.boxes.push(...parsed.boxes);
    problems.push(...parsed.problems);
  }
  for (const file of labelFiles) {
    if (used.has(file) || CLASS_FILES.has(basename(file).toLowerCase())) continue;
    problems.push({
      where: file.split(sep).join('/'),
      code: 'IMAGE_NOT_FOUND',
      message: 'No image in the import matches this label file; it was left out.',
    });
  }
  return { entries, labels: [...options.classNames], problems };
}

export interface YoloLabelsOptions extends ImportMetaOptions {
  fileName: string;
  classNames: readonly string[];
  imageSize: { width: number; height: number };
}

/** One label file's text → boxes in pixels; bad lines become problems. */
export function parseYoloLabels(text: string, options: YoloLabelsOptions): { boxes: BoxLabel[]; problems: ImportProblem[] } {
  const boxes: BoxLabel[] = [];
  const problems: ImportProblem[] = [];
  const meta = boxMeta(options.now);
  const { width: imageWidth, height: imageHeight } = options.imageSize;
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${options.fileName}: line ${index + 1}`;
    const tokens = line.split(/\s+/);
    const numbers = tokens.map(Number);
    if (tokens.length !== 5 || !numbers.every(Number.isFinite)) {
      problems.push({ where, code: 'MALFORMED_RECORD', message: `"${shorten(line)}" is not "class cx cy w h"; the line was left out.` });
      return;
    }
    const [classIndex, cx, cy, w, h] = numbers as [number, number, number, number, number];
    const name = Number.isInteger(classIndex) ? options.classNames[classIndex] : undefined;
    if (name === undefined) {
      const count = options.classNames.length;
      problems.push({
        where,
        code: 'CLASS_OUT_OF_RANGE',
        message: `The class ${tokens[0]} is not an index into the ${count} class name${count === 1 ? '' : 's'} (0–${count - 1}); the line was left out.`,
      });
      return;
    }
    // Normalised → pixels, rounded to 1e-6 px so that exported pixels come back as they were.
    const px = (value: number) => Math.round(value * 1e6) / 1e6;
    const checked = checkBox(px((cx - w / 2) * imageWidth), px((cy - h / 2) * imageHeight), px(w * imageWidth), px(h * imageHeight));
    if (!checked.ok) {
      problems.push({ where, code: checked.code, message: checked.message });
      return;
    }
    boxes.push(makeBox(name, checked.box, meta));
  });
  return { boxes, problems };
}

/**
 * Class names from `classes.txt` / `obj.names` (one per line; blank lines are skipped) or from the
 * `names:` key of an Ultralytics `data.yaml` (a flow or block list, or an index → name map).
 * Throws when the file declares no names.
 */
export function readYoloClassNames(text: string, fileName: string): string[] {
  const lower = fileName.toLowerCase();
  const names =
    lower.endsWith('.yaml') || lower.endsWith('.yml')
      ? readYamlNames(text.replace(/^\uFEFF/, ''), fileName)
      : text
          .replace(/^\uFEFF/, '')
          .split(/\r\n|\r|\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '');
  if (names.length === 0) throw new FormatFileError(fileName, { Code: 'YoloNoClassNames' });
  return names;
}

export interface YoloExportOptions {
  /** The image's path as the caller will write it; the label file gets the same path with `.txt`. */
  imagePathOf: (entry: EntryDraft) => string;
}

export interface YoloExport {
  /** One label file per exported image (empty for an image without boxes). */
  files: { path: string; text: string }[];
  /** The class names, one per line: box label names sorted by code unit, so index = line number − 1. */
  classesText: string;
  classNames: string[];
  skipped: ExportSkip[];
}

/**
 * Entries → YOLO label files. Image-level labels have no place in YOLO; boxes of an entry whose
 * size is unknown cannot be normalised. Both are listed in `skipped`. Numbers are written at full
 * precision so that an import gives back the same pixels.
 */
export function toYolo(entries: readonly EntryDraft[], options: YoloExportOptions): YoloExport {
  const classNames = [...new Set(entries.flatMap((entry) => entry.boxes.map((box) => box.name)))].sort();
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const files: YoloExport['files'] = [];
  const skipped: ExportSkip[] = [];
  for (const entry of entries) {
    for (const label of entry.labels) {
      skipped.push({ sourceRef: entry.sourceRef, kind: 'label', name: label.name, reason: 'YOLO has no image-level labels.' });
    }
    const size = entry.imageSize;
    if (!size || !isPositive(size.width) || !isPositive(size.height)) {
      for (const box of entry.boxes) {
        skipped.push({ sourceRef: entry.sourceRef, kind: 'box', name: box.name, reason: 'The image size is unknown, so the box cannot be normalised.' });
      }
      continue;
    }
    const lines = entry.boxes.map((box) =>
      [
        classIndex.get(box.name),
        (box.left + box.width / 2) / size.width,
        (box.top + box.height / 2) / size.height,
        box.width / size.width,
        box.height / size.height,
      ].join(' '),
    );
    files.push({ path: withExtension(options.imagePathOf(entry), '.txt'), text: lines.map((line) => `${line}\n`).join('') });
  }
  return { files, classesText: classNames.map((name) => `${name}\n`).join(''), classNames, skipped };
}

/** `sub/img.jpg` under the images folder → `sub/img.txt` under the labels folder (platform separators). */
function labelFileFor(imagesFolder: string, absoluteImage: string): string {
  const rel = relative(imagesFolder, absoluteImage);
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  return withExtension(inside ? rel : absoluteImage.slice(absoluteImage.lastIndexOf(sep) + 1), '.txt');
}

function withExtension(path: string, extension: string): string {
  const current = extname(path);
  return `${current === '' ? path : path.slice(0, -current.length)}${extension}`;
}

async function listTextFiles(folder: string): Promise<Set<string>> {
  let names: string[];
  try {
    names = await readdir(folder, { recursive: true });
  } catch (cause) {
    throw new FormatFileError(folder, { Code: 'FolderUnreadable', Params: { cause: (cause as Error).message } }, { cause });
  }
  return new Set(names.filter((name) => name.toLowerCase().endsWith('.txt')));
}

function isPositive(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// --- data.yaml `names:` ---------------------------------------------------------------------

function readYamlNames(text: string, fileName: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const start = lines.findIndex((line) => /^names\s*:/.test(line));
  if (start < 0) throw new FormatFileError(fileName, { Code: 'YoloNoNamesKey' });
  const inline = stripComment(lines[start]!.replace(/^names\s*:/, '')).trim();
  if (inline.startsWith('[') || inline.startsWith('{')) {
    // A flow collection may continue over the next lines until its bracket closes.
    let flow = inline;
    for (let i = start + 1; !isClosed(flow) && i < lines.length; i++) flow += ` ${stripComment(lines[i]!).trim()}`;
    if (!isClosed(flow)) throw new FormatFileError(fileName, { Code: 'YoloNamesNotClosed' });
    const items = splitFlow(flow.slice(1, -1));
    return flow.startsWith('[') ? items.map(unquote) : namesFromMap(items.map(splitPair), fileName);
  }
  if (inline !== '') throw new FormatFileError(fileName, { Code: 'YoloNamesNotList' });
  const sequence: string[] = [];
  const pairs: [string, string][] = [];
  for (const line of lines.slice(start + 1)) {
    const content = stripComment(line);
    if (content.trim() === '') continue;
    const indented = /^\s/.test(content);
    const item = /^\s*-\s+(.*)$|^\s*-$/.exec(content);
    if (!indented && !item) break;
    if (item) sequence.push(unquote((item[1] ?? '').trim()));
    else pairs.push(splitPair(content.trim()));
  }
  if (sequence.length > 0 && pairs.length > 0) throw new FormatFileError(fileName, { Code: 'YoloNamesMixed' });
  return sequence.length > 0 ? sequence : namesFromMap(pairs, fileName);
}

function namesFromMap(pairs: [string, string][], fileName: string): string[] {
  const names: string[] = [];
  for (const [key, value] of pairs) {
    const index = Number(unquote(key));
    if (!Number.isInteger(index) || index < 0) throw new FormatFileError(fileName, { Code: 'YoloClassKeyNotIndex', Params: { key } });
    names[index] = unquote(value);
  }
  for (let i = 0; i < names.length; i++) {
    if (names[i] === undefined) throw new FormatFileError(fileName, { Code: 'YoloClassUnnamed', Params: { index: i } });
  }
  return names;
}

function isClosed(flow: string): boolean {
  const open = flow[0];
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < flow.length; i++) {
    const c = flow[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return i === flow.length - 1;
  }
  return false;
}

/** Splits `a, 'b, c', "d"` at top-level commas. */
function splitFlow(body: string): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const c of body) {
    if (quote) {
      if (c === quote) quote = undefined;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',') {
      items.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items.filter((item) => item !== '');
}

function splitPair(text: string): [string, string] {
  const colon = text.indexOf(':');
  return colon < 0 ? [text, ''] : [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\/nt])/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  }
  return value;
}

/** Removes a ` # comment` that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}
