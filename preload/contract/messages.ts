/**
 * Loupe's own sentences to a person, by code. The backend answers with the English below (the API
 * keeps one language, as the service does) and adds the code and its parameters, so the renderer
 * can say the same in the user's language (locales `backend.<code>`), falling back to the English
 * when it has no words for a code.
 *
 * Adding a message: add the code and its English here, the same key under `backend` in both
 * renderer locales, and throw it with `codedError` (main/errors.ts) or return it from a job.
 */

export const MESSAGES = {
  NotAbsolutePath: '{field} must be an absolute path: {path}',
  NoFolderAt: 'There is no folder at {path}.',
  NotAFolder: '{path} is a file, not a folder.',
  ExportFolderNotEmpty: 'The folder {path} is not empty; give the path of a new or empty folder.',
  ExportRefused: 'The export was refused: the exported model does not agree with Loupe on {count} check(s) of the golden images. {details}',
  FolderNotReadable: 'Loupe may not read the folder {path}.',
  FileNotFound: 'There is no file at {path}.',
  FileNotReadable: 'Loupe could not read {path}: {reason}',
  AnnotationFileRefused: '{file} cannot be imported as {format}: it {reason}',
  NoYoloClasses: 'No classes.txt, obj.names or data.yaml next to {path}.',
  ManifestRefused: 'The manifest {file} was refused: {reason}',
  AlreadyWatched: 'The dataset {dataset} already watches {path}.',
  WatchOverlaps: '{path} overlaps {other}, which the dataset already watches. Unwatch it first.',
  DatasetBusy: 'The dataset {dataset} is {status}. Wait for it to finish.',
  NoSuchLabel: 'The dataset has no label {label}.',
  LabelExists: 'The dataset already has a label {label}.',
  TooManyLabels: 'A dataset can have at most {max} labels.',
  ProjectExists: 'A project named {name} already exists.',
  ModelNotRunning: 'The model is {status}. Start it before analysing images.',
  ImageTooManyPixels: 'The image is too large: {detail}.',
  UndoExpired: 'That removal can no longer be undone: Loupe restarted or removed images many times since.',
  NoTrainingDataset: 'The project {project} has no training dataset. Create one first.',
  ModelTraining: 'The model is being trained.',
  ModelTrained: 'The model is ready to run.',
  TrainingServiceIssue: 'Amazon Rekognition experienced a service issue. Try your call again.',
  TrainingInterrupted: 'Loupe stopped while this model was training. Train a new version.',
  ImportCancelled: 'The import was cancelled; nothing was changed.',
  JobInterrupted: 'Loupe stopped while this job was running.',
  NotAnImageFile: 'Not an image file Loupe imports.',
  ImageTooLarge: '{file} is too large: {width}×{height} px ({megapixels} MP); Loupe uses images up to {maxMegapixels} MP.',
  /** Worded from ImportCounts by `describeImport`. */
  ImportSummary: '{written} images added or updated.',
} as const;

export type MessageCode = keyof typeof MESSAGES;

export type MessageParams = Record<string, string | number>;

/** A sentence by code and parameters, as it crosses the transports. */
export interface MessageRef {
  Code: MessageCode;
  Params?: MessageParams;
}

export function isMessageCode(value: string): value is MessageCode {
  return Object.prototype.hasOwnProperty.call(MESSAGES, value);
}

/**
 * The code of a sentence without parameters, from its English (a StatusMessage the service's
 * shapes carry as text only), or undefined.
 */
export function codeOfMessage(english: string): MessageCode | undefined {
  return (Object.keys(MESSAGES) as MessageCode[]).find((code) => !MESSAGES[code].includes('{') && MESSAGES[code] === english);
}

/** The English sentence of `code` with its parameters filled in. */
export function formatMessage(code: MessageCode, params: MessageParams = {}): string {
  if (code === 'ImportSummary') return describeImport(params as unknown as ImportCounts);
  return MESSAGES[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * What an import did, in numbers, for its one-line summary: the renderer words it from these
 * (`ImportSummary`), the API says it in English (`describeImport`).
 */
export interface ImportCounts {
  written: number;
  invalid: number;
  dropped: number;
  /** Files skipped because they are not images Loupe imports (text, PDF, RAW…). */
  skipped: number;
  /** Their kinds by extension, most frequent first: ".txt, .pdf". */
  skippedKinds: string;
  /** The first left-out lines with their codes, for where to look. */
  firstDropped: string;
}

export function describeImport(counts: ImportCounts): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [`${plural(counts.written, 'image', 'images')} added or updated`];
  if (counts.invalid > 0) parts.push(`${counts.invalid} with an invalid image`);
  if (counts.dropped > 0) parts.push(`${counts.dropped} left out (${counts.firstDropped})`);
  if (counts.skipped > 0) parts.push(`${plural(counts.skipped, 'file', 'files')} skipped: ${counts.skipped === 1 ? 'not an image' : 'not images'} (${counts.skippedKinds})`);
  return `${parts.join(', ')}.`;
}
