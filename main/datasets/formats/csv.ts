/**
 * CSV ↔ entries, in three shapes:
 * - the guide's classification CSV (guide-notes-1 §4.6, L3921–4200): `image,label[,label...]`,
 *   no header, one row per image, several labels for multi-label; like the guide's script, each
 *   label becomes an attribute named after the label;
 * - a label-list CSV with a header `image,labels,split` (labels space-separated), as the
 *   multi-label views of the shared datasets are written;
 * - a box CSV with a header naming filename, class and xmin/ymin/xmax/ymax in any order (the
 *   raccoon and BCCD sets; BCCD's orders them xmin,xmax,ymin,ymax).
 *
 * Fields follow RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. Fields are
 * trimmed. A row that repeats an image is left out and reported, keeping the first, as the guide's
 * script does in its `-deduplicated.csv` / `-duplicates.csv` pair.
 */
import type { EntryDraft, ImageLabel, ImageSize } from '../../db/entry';
import { isIgnoredFile } from '../folders';
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

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
  /** Set when the record is not valid CSV; `fields` then holds what could be read. */
  error?: string;
}

/**
 * Splits CSV text into records (RFC 4180 subset: `,` separator, `"` quoting, CRLF, LF or CR line
 * ends). A record with an unterminated quote is returned with an error, and reading resumes on the
 * line after its start, so one stray quote does not swallow the rest of the file.
 */
export function readCsvRecords(source: string): CsvRecord[] {
  const text = source.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const read = readRecord(text, pos);
    if (read) {
      records.push(read.error === undefined ? { fields: read.fields, line } : { fields: read.fields, line, error: read.error });
      pos = read.end;
      line += read.lineBreaks;
    } else {
      const lineEnd = endOfLine(text, pos);
      records.push({ fields: [text.slice(pos, lineEnd)], line, error: 'a quoted field is never closed' });
      pos = lineEnd + (text.startsWith('\r\n', lineEnd) ? 2 : 1);
      line++;
    }
  }
  return records;
}

/**
 * One record from `pos`, through its line break; undefined when a quoted field never closes, or
 * closes on a later line with text right after the quote.
 */
function readRecord(text: string, pos: number): { fields: string[]; end: number; lineBreaks: number; error?: string } | undefined {
  const fields: string[] = [];
  let lineBreaks = 0;
  let error: string | undefined;
  for (;;) {
    let field = '';
    if (text[pos] === '"') {
      pos++;
      for (;;) {
        if (pos >= text.length) return undefined;
        const c = text[pos]!;
        if (c === '"' && text[pos + 1] === '"') {
          field += '"';
          pos += 2;
        } else if (c === '"') {
          pos++;
          break;
        } else {
          if (c === '\n' || (c === '\r' && text[pos + 1] !== '\n')) lineBreaks++;
          field += c;
          pos++;
        }
      }
      if (pos < text.length && !isBreakOrComma(text[pos]!)) {
        // A quote that "closes" lines later, with text right after it, was a stray quote.
        if (lineBreaks > 0) return undefined;
        error ??= 'text follows a closing quote';
      }
    }
    // The unquoted field, or text after a closing quote (kept, so nothing is silently lost).
    while (pos < text.length && !isBreakOrComma(text[pos]!)) field += text[pos++];
    fields.push(field);
    if (pos >= text.length) return { fields, end: pos, lineBreaks, ...(error === undefined ? {} : { error }) };
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    pos += text.startsWith('\r\n', pos) ? 2 : 1;
    return { fields, end: pos, lineBreaks: lineBreaks + 1, ...(error === undefined ? {} : { error }) };
  }
}

function isBreakOrComma(c: string): boolean {
  return c === ',' || c === '\n' || c === '\r';
}

function endOfLine(text: string, pos: number): number {
  const found = text.slice(pos).search(/[\r\n]/);
  return found < 0 ? text.length : pos + found;
}

/** Quotes a field when it holds a separator, a quote, a line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export interface CsvImportOptions extends ImportMetaOptions {
  /** The folder image names are relative to; `s3://` references are kept as they are. */
  imagesFolder: string;
  /** How problems and errors name the file; defaults to `CSV`. */
  fileName?: string;
}

/** The guide's classification CSV: `image,label[,label...]`, no header. */
export function parseCsv(text: string, options: CsvImportOptions): FormatImport {
  const fileName = options.fileName ?? 'CSV';
  const now = options.now ?? new Date().toISOString();
  const rows = new RowCollector(fileName, now);
  for (const record of readCsvRecords(text)) {
    const fields = record.fields.map((f) => f.trim());
    if (fields.every((f) => f === '')) continue;
    if (record.error !== undefined) {
      rows.problem(record.line, 'MALFORMED_RECORD', `The row is not valid CSV (${record.error}); it was left out.`);
      continue;
    }
    if (fields[0] !== '' && isIgnoredFile(fields[0]!)) {
      rows.problem(record.line, 'NOT_AN_IMAGE', 'The first field does not name an image file (.jpg, .png, …); the row was left out.');
      continue;
    }
    rows.add(record.line, fields[0]!, sourceRefUnder(options.imagesFolder, fields[0]!), fields.slice(1));
  }
  const result = rows.result();
  // A file none of whose rows names an image is not an image,label CSV (a password file, a log).
  if (result.entries.length === 0 && result.problems.some((p) => p.code === 'NOT_AN_IMAGE')) {
    throw new FormatFileError(fileName, { Code: 'CsvNoImageColumn' });
  }
  return result;
}

export interface LabelListCsvOptions extends ImportMetaOptions {
  /** The folder image paths are relative to (the CSV's own folder). */
  baseFolder: string;
  fileName?: string;
}

export interface LabelListImport extends FormatImport {
  /** Rows whose split is `train`/`training`, or empty. */
  train: EntryDraft[];
  /** Rows whose split is `test`/`testing`/`val`/`valid`/`validation`: a held-out set becomes TEST. */
  test: EntryDraft[];
}

const TRAIN_SPLITS = new Set(['train', 'training', '']);
const TEST_SPLITS = new Set(['test', 'testing', 'val', 'valid', 'validation']);

/** A header row `image,labels[,split]` (any column order), labels separated by spaces. */
export function parseLabelListCsv(text: string, options: LabelListCsvOptions): LabelListImport {
  const fileName = options.fileName ?? 'CSV';
  const now = options.now ?? new Date().toISOString();
  const { header, records } = splitHeader(readCsvRecords(text), fileName);
  const imageColumn = findColumn(header, ['image', 'filename', 'file', 'path']);
  const labelsColumn = findColumn(header, ['labels', 'label']);
  const splitColumn = findColumn(header, ['split', 'set', 'subset']);
  if (imageColumn === undefined || labelsColumn === undefined) {
    throw new FormatFileError(fileName, { Code: 'CsvNeedsImageLabels', Params: { header: header.join(',') } });
  }
  const rows = new RowCollector(fileName, now);
  const train: EntryDraft[] = [];
  const test: EntryDraft[] = [];
  for (const record of records) {
    const fields = record.fields.map((f) => f.trim());
    if (fields.every((f) => f === '')) continue;
    if (record.error !== undefined) {
      rows.problem(record.line, 'MALFORMED_RECORD', `The row is not valid CSV (${record.error}); it was left out.`);
      continue;
    }
    const image = fields[imageColumn] ?? '';
    const labels = (fields[labelsColumn] ?? '').split(/\s+/);
    const entry = rows.add(record.line, image, sourceRefUnder(options.baseFolder, image), labels);
    if (!entry) continue;
    const split = splitColumn === undefined ? '' : (fields[splitColumn] ?? '').toLowerCase();
    if (TEST_SPLITS.has(split)) test.push(entry);
    else {
      if (!TRAIN_SPLITS.has(split)) {
        rows.problem(record.line, 'UNKNOWN_SPLIT', `The split "${fields[splitColumn!]}" is not train, test or val; the image goes to train.`);
      }
      train.push(entry);
    }
  }
  return { ...rows.result(), train, test };
}

export interface BoxCsvOptions extends CsvImportOptions {
  /** The column holding the class name, when it is not class/label/name/category/cell_type. */
  labelColumn?: string;
}

/** One box per row, columns found by their header names; rows of one image make one entry. */
export function parseBoxCsv(text: string, options: BoxCsvOptions): FormatImport {
  const fileName = options.fileName ?? 'CSV';
  const { header, records } = splitHeader(readCsvRecords(text), fileName);
  const column = (names: string[]) => findColumn(header, names);
  const imageColumn = column(['filename', 'image', 'file', 'path', 'image_path']);
  const labelColumn = column(options.labelColumn ? [options.labelColumn] : ['class', 'label', 'name', 'category', 'cell_type']);
  const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((name) => column([name]));
  const [widthColumn, heightColumn] = [column(['width']), column(['height'])];
  if (imageColumn === undefined || labelColumn === undefined || [xmin, ymin, xmax, ymax].includes(undefined)) {
    throw new FormatFileError(fileName, { Code: 'CsvNeedsBoxColumns', Params: { header: header.join(',') } });
  }
  const problems: ImportProblem[] = [];
  const problem = (line: number, code: ImportProblem['code'], message: string) =>
    problems.push({ where: `${fileName}: line ${line}`, code, message });
  const index = new EntryIndex();
  const labels = new NameList();
  const meta = boxMeta(options.now);
  const number = (fields: string[], at: number | undefined) => {
    const value = at === undefined ? '' : (fields[at] ?? '');
    return value === '' ? Number.NaN : Number(value);
  };
  for (const record of records) {
    const fields = record.fields.map((f) => f.trim());
    if (fields.every((f) => f === '')) continue;
    const image = fields[imageColumn] ?? '';
    const name = fields[labelColumn] ?? '';
    if (record.error !== undefined || image === '' || name === '') {
      const why = record.error ?? 'it has no image or no class';
      problem(record.line, 'MALFORMED_RECORD', `The row cannot be read (${why}); it was left out.`);
      continue;
    }
    const sourceRef = sourceRefUnder(options.imagesFolder, image);
    let entry = index.get(sourceRef);
    if (!entry) {
      entry = { sourceRef, labels: [], boxes: [], errors: [] };
      const size = readSize(number(fields, widthColumn), number(fields, heightColumn));
      if (size) entry.imageSize = size;
      index.add(entry);
    }
    const [left, top, right, bottom] = [xmin, ymin, xmax, ymax].map((at) => number(fields, at)) as [number, number, number, number];
    const checked = checkBox(left, top, right - left, bottom - top);
    if (!checked.ok) {
      problem(record.line, checked.code, `${image}: ${checked.message}`);
      continue;
    }
    labels.add(name);
    entry.boxes.push(makeBox(name, checked.box, meta));
  }
  return { entries: index.entries, labels: labels.names, problems };
}

export interface CsvExportOptions {
  /** Field 1 of the row: the image's name or path as the caller will write it. */
  imagePathOf: (entry: EntryDraft) => string;
}

/**
 * Entries → the guide's classification CSV: one row per entry, `image,label[,label...]`, no header.
 * An entry without image-level labels is a row with the image alone. Box labels are not
 * image-level labels and are listed in `skipped`.
 */
export function toCsv(entries: readonly EntryDraft[], options: CsvExportOptions): { text: string; skipped: ExportSkip[] } {
  const skipped: ExportSkip[] = [];
  const lines = entries.map((entry) => {
    for (const box of entry.boxes) {
      skipped.push({ sourceRef: entry.sourceRef, kind: 'box', name: box.name, reason: 'A classification CSV holds image-level labels only.' });
    }
    const names = [...new Set(entry.labels.map((label) => label.name))];
    return [options.imagePathOf(entry), ...names].map(csvField).join(',');
  });
  return { text: lines.map((line) => `${line}\n`).join(''), skipped };
}

/** Image-level label metadata as the guide's CSV script writes it: the attribute is the label. */
function csvLabel(name: string, now: string): ImageLabel {
  return { name, attribute: name, confidence: 1, humanAnnotated: 'yes', creationDate: now, jobName: `labeling-job/${name}` };
}

/** Rows → entries with the guide's duplicate rule: the first row of an image wins. */
class RowCollector {
  private readonly index = new EntryIndex();
  private readonly firstLine = new Map<string, number>();
  private readonly labels = new NameList();
  private readonly problems: ImportProblem[] = [];

  constructor(
    private readonly fileName: string,
    private readonly now: string,
  ) {}

  problem(line: number, code: ImportProblem['code'], message: string): void {
    this.problems.push({ where: `${this.fileName}: line ${line}`, code, message });
  }

  add(line: number, image: string, sourceRef: string, rawLabels: string[]): EntryDraft | undefined {
    if (image === '') {
      this.problem(line, 'MALFORMED_RECORD', 'The row has labels but no image in its first field; it was left out.');
      return undefined;
    }
    const names = [...new Set(rawLabels.map((label) => label.trim()).filter((label) => label !== ''))];
    const first = this.firstLine.get(sourceRef);
    if (first !== undefined) {
      const labels = names.length === 0 ? 'no labels' : `labels ${names.join(', ')}`;
      this.problem(line, 'DUPLICATE_IMAGE', `${image} is already on line ${first}; this row (${labels}) was left out and the first one kept.`);
      return undefined;
    }
    this.firstLine.set(sourceRef, line);
    names.forEach((name) => this.labels.add(name));
    const entry: EntryDraft = { sourceRef, labels: names.map((name) => csvLabel(name, this.now)), boxes: [], errors: [] };
    this.index.add(entry);
    return entry;
  }

  result(): FormatImport {
    return { entries: this.index.entries, labels: this.labels.names, problems: this.problems };
  }
}

function splitHeader(records: CsvRecord[], fileName: string): { header: string[]; records: CsvRecord[] } {
  const at = records.findIndex((record) => record.fields.some((f) => f.trim() !== ''));
  if (at < 0) throw new FormatFileError(fileName, { Code: 'FileEmpty' });
  return { header: records[at]!.fields.map((f) => f.trim().toLowerCase()), records: records.slice(at + 1) };
}

function findColumn(header: string[], names: string[]): number | undefined {
  for (const name of names) {
    const at = header.indexOf(name.toLowerCase());
    if (at >= 0) return at;
  }
  return undefined;
}

function readSize(width: number, height: number): ImageSize | undefined {
  return Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0 ? { width, height, depth: 3 } : undefined;
}
